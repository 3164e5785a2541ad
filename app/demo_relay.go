//go:build !serveronly

package app

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
)

// demoRelay is a loopback TCP relay between one demo Sentinel and the
// server, so the demo can take that Sentinel offline for real: while down
// it cuts the connections it carries and refuses new ones, and the
// Sentinel's publisher loses its connection, keeps its segments and
// reconnects with backoff, as over a network that dropped.
type demoRelay struct {
	ln     net.Listener
	target string
	log    *slog.Logger
	wg     sync.WaitGroup

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
}

// newDemoRelay listens on a free loopback port and forwards to target
// (host:port) until Close.
func newDemoRelay(target string, log *slog.Logger) (*demoRelay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &demoRelay{ln: ln, target: target, log: log.With("component", "demo-relay"), conns: map[net.Conn]struct{}{}}
	r.wg.Go(r.serve)
	return r, nil
}

// URL is the server URL a Sentinel behind the relay uses.
func (r *demoRelay) URL() string { return "http://" + r.ln.Addr().String() }

// setDown takes the relay down (cutting what it carries) or back up.
func (r *demoRelay) setDown(down bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = down
	if down {
		for c := range r.conns {
			c.Close()
		}
	}
}

func (r *demoRelay) serve() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				r.log.Warn("accept", "err", err)
			}
			return
		}
		if !r.track(c) {
			c.Close()
			continue
		}
		r.wg.Go(func() { r.forward(c) })
	}
}

// track registers c, unless the relay is down.
func (r *demoRelay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down || r.conns == nil {
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *demoRelay) untrack(c net.Conn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
	c.Close()
}

// forward copies both ways between c and a new connection to the target
// until either side ends or the relay cuts them.
func (r *demoRelay) forward(c net.Conn) {
	defer r.untrack(c)
	up, err := net.Dial("tcp", r.target)
	if err != nil {
		r.log.Warn("dial server", "err", err)
		return
	}
	if !r.track(up) {
		up.Close()
		return
	}
	defer r.untrack(up)
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(up, c)
		up.Close()
	}()
	io.Copy(c, up)
	c.Close()
	<-done
}

// Close stops listening, cuts every connection and waits for the relay's
// goroutines.
func (r *demoRelay) Close() error {
	err := r.ln.Close()
	r.mu.Lock()
	for c := range r.conns {
		c.Close()
	}
	r.conns = nil
	r.mu.Unlock()
	r.wg.Wait()
	return err
}
