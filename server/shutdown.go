package server

import (
	"context"
	"errors"
	"time"

	"proctor/proto"
)

// shutdown tells every Sentinel and watcher, waits for the ingest
// handlers to store what they received, then flushes and closes the store
// and the database. Only the first call does the work.
func (s *Server) shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
		bye := proto.NewError(proto.CodeShutdown, "server is shutting down")
		for _, sn := range s.live.list() {
			if pub := sn.currentPub(); pub != nil {
				pub.stop(bye)
			}
		}
		for _, w := range s.live.watcherList() {
			w.stop(bye)
		}
		done := make(chan struct{})
		go func() {
			s.conns.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			s.log.Warn("shutdown timeout: closing remaining connections")
			s.forceClose()
			<-done
		}
		s.bgCancel()
		s.bg.Wait()
		s.hub.Close()
		s.closeErr = errors.Join(s.store.Close(), s.meta.Close())
		close(s.closed)
		s.log.Info("server stopped", "err", s.closeErr)
	})
	<-s.closed
	return s.closeErr
}

// forceClose closes the sockets of connections that did not end in time;
// segments already read are still stored by their handlers.
func (s *Server) forceClose() {
	for _, sn := range s.live.list() {
		if pub := sn.currentPub(); pub != nil {
			pub.kill()
		}
	}
	for _, w := range s.live.watcherList() {
		w.c.NetConn().Close()
	}
	time.Sleep(10 * time.Millisecond)
}
