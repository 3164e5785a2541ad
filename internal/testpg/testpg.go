// Package testpg starts a real PostgreSQL server for tests: a throw-away
// cluster in a temporary folder, on a free loopback port with its Unix
// socket in that folder, stopped by the postmaster's pid. Tests of one
// package share one cluster (see Main) and take a fresh database each
// (Cluster.NewDB), because initdb costs about a second and CREATE DATABASE
// a few milliseconds.
//
// initdb refuses to run as root, so under root the server runs as the
// "postgres" user (Debian's postgresql package creates it) through
// runuser, with the folder owned by that user.
package testpg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrMissing means no PostgreSQL binaries were found (install the Debian
// package postgresql, `make deps`).
var ErrMissing = errors.New("PostgreSQL not installed (apt-get install postgresql, or make deps)")

// Cluster is one running PostgreSQL server.
type Cluster struct {
	dir   string // temporary folder: data/, the socket, the log
	bin   string // folder of initdb, pg_ctl
	port  int
	pid   int      // the postmaster
	runAs []string // runuser prefix when root, else empty
	seq   atomic.Int64
}

// bindir returns the newest /usr/lib/postgresql/*/bin holding pg_ctl.
func bindir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", ErrMissing
}

func versionOf(bin string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return v
}

// Start initialises and starts a new cluster. The caller must Stop it.
func Start() (*Cluster, error) {
	bin, err := bindir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "testpg-")
	if err != nil {
		return nil, fmt.Errorf("testpg: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("testpg: running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("testpg: %w", err)
		}
		c.runAs = []string{"runuser", "-u", "postgres", "--"}
	}
	if err := c.start(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) run(name string, args ...string) error {
	argv := append(slices.Clone(c.runAs), append([]string{filepath.Join(c.bin, name)}, args...)...)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("testpg: %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (c *Cluster) start() error {
	data := filepath.Join(c.dir, "data")
	if err := c.run("initdb", "-D", data, "-A", "trust", "-U", "proctor", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return err
	}
	// A port can be taken between this probe and the server's bind; then
	// pg_ctl fails and the next port is tried.
	var err error
	for range 3 {
		if c.port, err = freePort(); err != nil {
			return err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", c.port, c.dir)
		if err = c.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "30", "start"); err == nil {
			break
		}
	}
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("testpg: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if c.pid, err = strconv.Atoi(strings.TrimSpace(first)); err != nil || c.pid <= 0 {
		return fmt.Errorf("testpg: postmaster.pid: %q", first)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testpg: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL returns the connection URL of database name on this cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://proctor@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// CreateDB creates a new, empty database and returns its URL.
func (c *Cluster) CreateDB(ctx context.Context) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("testpg: %w", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("t%d", c.seq.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("testpg: create database: %w", err)
	}
	return c.URL(name), nil
}

// Stop kills the postmaster by its pid (SIGQUIT: immediate shutdown, the
// data is thrown away anyway), waits for it to exit and removes the folder.
func (c *Cluster) Stop() error {
	var err error
	if c.pid > 0 {
		if e := syscall.Kill(c.pid, syscall.SIGQUIT); e != nil && !errors.Is(e, syscall.ESRCH) {
			err = fmt.Errorf("testpg: stop %d: %w", c.pid, e)
		}
		deadline := time.Now().Add(10 * time.Second)
		for syscall.Kill(c.pid, 0) == nil {
			if time.Now().After(deadline) {
				syscall.Kill(c.pid, syscall.SIGKILL)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		c.pid = 0
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}
