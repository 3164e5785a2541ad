package store

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Retain removes what is older than Config.MaxAge before now, then the
// oldest data of any stream while the store is larger than
// Config.MaxBytes. It drops whole chunks, and whole streams (with their
// init segments) once nothing of them is left. It returns the number of
// segments removed. The retention goroutine calls it every
// Config.RetainEvery; it may also be called directly.
func (s *Store) Retain(now time.Time) (removed int, err error) {
	s.retainMu.Lock()
	defer s.retainMu.Unlock()
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return 0, ErrClosed
	}
	if s.cfg.MaxAge > 0 {
		cutoff := now.Add(-s.cfg.MaxAge).UnixMicro()
		for _, st := range s.snapshot() {
			n, e := s.removeStream(st, func() bool { return st.endsBefore(cutoff) })
			if n == 0 && e == nil {
				n, e = st.dropChunks(func(c *chunk) bool { return st.chunkEnd(c) < cutoff }, 0)
			}
			removed += n
			err = errors.Join(err, e)
		}
	}
	for s.cfg.MaxBytes > 0 && s.usage.Load() > s.cfg.MaxBytes {
		st := s.oldest()
		if st == nil {
			break
		}
		n, e := st.dropChunks(func(*chunk) bool { return true }, 1)
		if n == 0 && e == nil {
			n, e = s.removeStream(st, func() bool { return true })
		}
		removed += n
		err = errors.Join(err, e)
		if n == 0 && e != nil {
			break // could not free anything: do not spin
		}
	}
	if removed > 0 {
		s.log.Info("retention", "segments_removed", removed, "bytes", s.usage.Load())
	}
	return removed, err
}

// oldest returns the stream holding the oldest segment.
func (s *Store) oldest() *stream {
	var best *stream
	bestTime := int64(math.MaxInt64)
	for _, st := range s.snapshot() {
		st.mu.RLock()
		if len(st.entries) > 0 && st.entries[0].Time < bestTime {
			best, bestTime = st, st.entries[0].Time
		}
		st.mu.RUnlock()
	}
	return best
}

// endsBefore reports whether the stream has segments, all ending before
// cutoff. Caller holds st.mu.
func (st *stream) endsBefore(cutoff int64) bool {
	n := len(st.entries)
	return n > 0 && st.entries[n-1].maxEnd < cutoff
}

// chunkEnd is the end of a chunk's newest segment. Caller holds st.mu.
func (st *stream) chunkEnd(c *chunk) int64 { return st.entries[c.first+c.n-1].maxEnd }

// dropChunks removes chunks from the head of the stream while drop says so,
// at most limit of them (0: no limit), never the last chunk. It returns the
// segments removed.
func (st *stream) dropChunks(drop func(*chunk) bool, limit int) (int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	removed, dropped := 0, 0
	for len(st.chunks) > 1 && drop(st.chunks[0]) && (limit == 0 || dropped < limit) {
		c := st.chunks[0]
		freed, err := c.remove(st.dir, st.files)
		st.usage.Add(-freed)
		st.entries = slices.Clone(st.entries[c.n:])
		st.chunks = st.chunks[1:]
		for _, d := range st.chunks {
			d.first -= c.n
		}
		removed += c.n
		dropped++
		if err != nil {
			return removed, fmt.Errorf("%s: drop chunk: %w", st.name(), err)
		}
	}
	return removed, nil
}

// removeStream deletes the stream and its directory if cond, evaluated
// under the locks, holds. It returns the segments removed.
func (s *Store) removeStream(st *stream, cond func() bool) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.removed || !cond() {
		return 0, nil
	}
	st.removed = true
	delete(s.streams, key{st.sentinel, st.session})
	if m := s.bySentinel[st.sentinel]; m != nil {
		delete(m, st.session)
		if len(m) == 0 {
			delete(s.bySentinel, st.sentinel)
		}
	}
	for _, c := range st.chunks {
		c.close()
	}
	defer func(cs []*chunk) { // after the files are gone: no read reopens them
		for _, c := range cs {
			st.files.drop(c)
		}
	}(st.chunks)
	for _, f := range st.pending {
		f.Close()
	}
	st.pending = nil
	st.usage.Add(-st.bytes())
	n := len(st.entries)
	st.entries, st.chunks, st.inits = nil, nil, map[uint64]int64{}
	err := os.RemoveAll(st.dir)
	os.Remove(filepath.Dir(st.dir)) // the sentinel's directory, if now empty
	if err != nil {
		return n, fmt.Errorf("%s: remove stream: %w", st.name(), err)
	}
	return n, nil
}
