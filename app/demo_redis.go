package app

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"proctor/internal/redisproc"
)

// demoRedis is the redis-server process of `proctor demo --nodes N`: the
// system binary on a free loopback port, persistence off, its files in a
// temporary directory. The demo owns it and stops it by its pid.
type demoRedis struct {
	addr string
	dir  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has been waited for
	err  error         // the process's exit, valid after done
}

// startDemoRedis runs redis-server in dir and waits until it answers PING.
// A missing binary is a clear error naming `make deps`, which installs it.
func startDemoRedis(dir string) (*demoRedis, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("--nodes needs redis-server (install it with `make deps`, or the redis-server package): %w", err)
	}
	// Bind port 0 to learn a free port, then hand it to redis-server: a
	// small race with other processes, retried below if it is lost.
	var lastErr error
	for range 3 {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return nil, err
		}
		r, err := runRedis(bin, dir, addr)
		if err == nil {
			return r, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func runRedis(bin, dir, addr string) (*demoRedis, error) {
	_, port, _ := net.SplitHostPort(addr)
	logPath := filepath.Join(dir, "redis.log")
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", logPath, "--daemonize", "no")
	cmd.SysProcAttr = redisProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	r := &demoRedis{addr: addr, dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { r.err = cmd.Wait(); close(r.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := redisproc.Ping(addr)
		if err == nil {
			return r, nil
		}
		select {
		case <-r.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("redis-server on %s exited (%v): %s", addr, r.err, strings.TrimSpace(string(log)))
		default:
		}
		if time.Now().After(deadline) {
			r.stop()
			return nil, fmt.Errorf("redis-server on %s did not answer PING: %w", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// url is the redis:// URL of the server's database 0.
func (r *demoRedis) url() string { return "redis://" + r.addr + "/0" }

// pid is the process id, for logs and for the test that checks it is gone.
func (r *demoRedis) pid() int { return r.cmd.Process.Pid }

// stop asks redis-server to exit (SIGTERM: without persistence it saves
// nothing) and kills it if it has not within 5 s; it returns once the
// process has been waited for, so its pid is gone.
func (r *demoRedis) stop() error {
	select {
	case <-r.done:
		return nil
	default:
	}
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop redis-server pid %d: %w", r.pid(), err)
	}
	select {
	case <-r.done:
		return nil
	case <-time.After(5 * time.Second):
	}
	_ = r.cmd.Process.Kill()
	<-r.done
	return fmt.Errorf("redis-server pid %d ignored SIGTERM for 5 s and was killed", r.pid())
}

// freeLoopbackAddr picks a free loopback port by binding port 0.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
