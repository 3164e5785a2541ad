package testredis

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"proctor/internal/redisproc"
)

// Server is one redis-server process owned by a test.
type Server struct {
	// Addr is host:port of the server, fixed for the Server's life so that
	// a restarted process is reached at the same address.
	Addr string
	dir  string
	tb   testing.TB

	mu  sync.Mutex
	cmd *exec.Cmd // nil while stopped
}

// Start runs a redis-server on a free loopback port and registers its
// stop with tb.Cleanup. It fails the test if redis-server is missing: CI
// installs it with `make deps`, so a missing binary is an error, not a skip.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{Addr: freeAddr(tb), dir: tb.TempDir(), tb: tb}
	s.Start()
	tb.Cleanup(s.Kill)
	return s
}

// URL is the redis:// URL of the server (database 0).
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Start (re)starts the process on s.Addr after Kill; it waits until the
// server answers PING.
func (s *Server) Start() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.tb.Fatalf("testredis: %s already running", s.Addr)
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	cmd := exec.Command("redis-server",
		"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"), "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		s.tb.Fatalf("testredis: start redis-server: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := redisproc.Ping(s.Addr); err == nil {
			return
		} else if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			s.tb.Fatalf("testredis: redis-server on %s did not answer: %v\n%s", s.Addr, err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill stops the process with SIGKILL (no shutdown, no save) and waits
// for it; a no-op when stopped.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Pid is the process id, 0 while stopped.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// freeAddr picks a free loopback port by binding port 0.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testredis: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}
