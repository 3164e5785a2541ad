package wsconn

import (
	"context"
	"sync"

	"proctor/proto"
)

// Conn is a connection an endpoint owns and must be able to end.
type Conn interface {
	comparable
	// Stop ends the connection gracefully with e (the peer is told why).
	Stop(e *proto.Error)
	// Kill closes the socket at once, for a shutdown out of time.
	Kill()
}

// Conns is the registry of the connections one endpoint owns, so that
// its shutdown reaches every one of them (issue 10: a kind of connection
// nobody owned held the shutdown forever).
type Conns[C Conn] struct {
	wg sync.WaitGroup

	mu      sync.Mutex
	closing bool
	m       map[C]struct{}
}

// Add registers c; false once the endpoint is closing (refuse c then).
// Every successful Add is followed by one Done when c's handler returns.
func (s *Conns[C]) Add(c C) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	if s.m == nil {
		s.m = make(map[C]struct{})
	}
	s.m[c] = struct{}{}
	s.wg.Add(1)
	return true
}

// Done unregisters c when its handler is finished.
func (s *Conns[C]) Done(c C) {
	s.mu.Lock()
	delete(s.m, c)
	s.mu.Unlock()
	s.wg.Done()
}

// Len is the number of open connections.
func (s *Conns[C]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func (s *Conns[C]) list() []C {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]C, 0, len(s.m))
	for c := range s.m {
		out = append(out, c)
	}
	return out
}

// Close refuses new connections, stops every open one with bye and waits
// for their handlers; when ctx ends first it kills the sockets of those
// left, waits for them, and returns ctx's error.
func (s *Conns[C]) Close(ctx context.Context, bye *proto.Error) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	for _, c := range s.list() {
		c.Stop(bye)
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	for _, c := range s.list() {
		c.Kill()
	}
	<-done
	return ctx.Err()
}
