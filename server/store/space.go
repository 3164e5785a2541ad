package store

import (
	"fmt"
	"log/slog"
	"sync"
	"syscall"
	"time"
)

// spaceGuard keeps the store from filling its disk (Config.MinFree): it
// reads the free space of the store's directory at most once per period,
// not per append, and says whether it is below the minimum.
type spaceGuard struct {
	dir   string
	min   int64
	every time.Duration
	free  func(dir string) (uint64, error)
	log   *slog.Logger

	mu   sync.Mutex
	next time.Time // when to read the free space again
	low  error     // the last reading's verdict: nil, or why it is too low
	last int64     // the last reading in bytes (-1: none yet, or unreadable)
}

// statfsFree is the default Config.FreeSpace: bytes available to an
// unprivileged writer on dir's file system.
func statfsFree(dir string) (uint64, error) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return fs.Bavail * uint64(fs.Bsize), nil
}

// check returns an error wrapping ErrUnavailable and ErrLowSpace while the
// free space is below the minimum, nil otherwise (or if it cannot be read:
// a failing statfs is logged, it does not stop writes).
func (g *spaceGuard) check(now time.Time) error {
	if g.min <= 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Before(g.next) {
		return g.low
	}
	g.next = now.Add(g.every)
	free, err := g.free(g.dir)
	g.last = -1
	if err == nil {
		g.last = int64(min(free, uint64(1<<63-1)))
	}
	switch {
	case err != nil:
		g.log.Warn("free space unknown", "dir", g.dir, "err", err)
		g.low = nil
	case free < uint64(g.min):
		if g.low == nil {
			g.log.Warn("free space below the minimum", "dir", g.dir, "free", free, "min", g.min)
		}
		g.low = fmt.Errorf("%w: %w: %d bytes free in %s, minimum %d", ErrUnavailable, ErrLowSpace, free, g.dir, g.min)
	default:
		if g.low != nil {
			g.log.Info("free space back above the minimum", "dir", g.dir, "free", free, "min", g.min)
		}
		g.low = nil
	}
	return g.low
}

// freeBytes returns the last reading of the free space (-1: none yet, it
// could not be read, or the guard is off).
func (g *spaceGuard) freeBytes() int64 {
	if g.min <= 0 {
		return -1
	}
	g.check(time.Now()) // at most one statfs per period
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last
}

// FreeBytes is the free space of the store's file system as the
// free-space guard last read it (at most once per Config.FreeSpaceEvery),
// or -1 while the guard is off or the reading failed.
func (s *Store) FreeBytes() int64 { return s.guard.freeBytes() }
