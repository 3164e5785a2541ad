package server

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// drainTimeout is how long the connections get to end at shutdown: the
// shutdown timeout less what the flush after them needs (the store's
// fsyncs, the database, the cluster's leases), so that the whole
// shutdown, flush included, ends within ShutdownTimeout even when a slow
// client holds on to the last moment (a quarter of it, at most a second).
func (s *Server) drainTimeout() time.Duration {
	t := s.cfg.ShutdownTimeout
	return t - min(t/4, time.Second)
}

// shutdown stops the three endpoints at once (each tells its connections
// and waits for them, closing the sockets of those left when ctx ends),
// then, once httpDone is closed (nil: no HTTP server of ours), flushes and
// closes the store and the database. Only the first call does the work.
func (s *Server) shutdown(ctx context.Context, httpDone <-chan struct{}) error {
	s.closeOnce.Do(func() {
		closers := []func(context.Context) error{s.ingest.Close, s.seed.Close, s.watch.Close}
		var wg sync.WaitGroup
		timedOut := false
		var mu sync.Mutex
		for _, close := range closers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if close(ctx) != nil {
					mu.Lock()
					timedOut = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if timedOut {
			s.log.Warn("shutdown timeout: closed the remaining connections")
		}
		if httpDone != nil {
			<-httpDone
		}
		s.bgCancel()
		s.bg.Wait()
		if c, ok := s.live.(io.Closer); ok {
			c.Close()
		}
		s.hub.Close()
		s.closeErr = errors.Join(s.store.Close(), s.meta.Close())
		close(s.closed)
		s.log.Info("server stopped", "err", s.closeErr)
	})
	<-s.closed
	return s.closeErr
}
