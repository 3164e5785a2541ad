package store

import (
	"context"
	"errors"
	"time"
)

// A store that cannot write (a full disk, an I/O error, the free-space
// guard) refuses appends with ErrUnavailable, leaves nothing of them
// behind, and takes them again once it can write: one bad second of disk
// must not end every session. Writable tells the server's /healthz.

// writeErrorHold is how long Writable keeps reporting a failed write when
// no write has succeeded since.
const writeErrorHold = 5 * time.Second

// failure is a write error and when it happened.
type failure struct {
	err error
	at  time.Time
}

// noteWrite records the outcome of a write: a transient error is kept for
// Writable and counted, a success clears it.
func (s *Store) noteWrite(err error) {
	switch {
	case err == nil:
		if s.lastErr.Load() != nil {
			s.lastErr.Store(nil)
		}
	case errors.Is(err, ErrUnavailable):
		s.lastErr.Store(&failure{err: err, at: time.Now()})
		s.writeErrors.Add(1)
	}
}

// Writable returns nil while the store can write, else why not: the last
// write error of the past few seconds (none has succeeded since) or the
// free-space guard. It wraps ErrUnavailable, or is ErrClosed.
func (s *Store) Writable() error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if err := s.guard.check(time.Now()); err != nil && s.cfg.MaxBytes == 0 {
		return err
	}
	if f := s.lastErr.Load(); f != nil && time.Since(f.at) < writeErrorHold {
		return f.err
	}
	return nil
}

// admit applies the free-space guard before an append: below it, size
// retention runs at once if it is set, and the append is refused if not.
func (s *Store) admit() error {
	err := s.guard.check(time.Now())
	if err == nil {
		return nil
	}
	if s.cfg.MaxBytes > 0 {
		select {
		case s.retainNow <- struct{}{}:
		default: // already asked
		}
		return nil
	}
	s.writeErrors.Add(1)
	return err
}

// retainLoop runs Retain every Config.RetainEvery, and at once when the
// free-space guard asks, until ctx is done.
func (s *Store) retainLoop(ctx context.Context) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.RetainEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.retainNow:
		}
		if _, err := s.Retain(time.Now()); err != nil && !errors.Is(err, ErrClosed) {
			s.log.Error("retention", "err", err)
		}
	}
}
