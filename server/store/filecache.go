package store

import (
	"container/list"
	"errors"
	"fmt"
	"os"
	"sync"
)

// fileCache bounds the chunk logs open for reading (Config.MaxOpenFiles):
// a store serving months of video has thousands of chunks, and keeping
// each one read open until retention or Close ran the process out of
// descriptors. Handles are reference counted: a read in progress holds
// its handle, so eviction (least recently used first) never closes a file
// under a reader; the cache may exceed its bound while every handle is in
// use, and shrinks back as they are released.
type fileCache struct {
	max int

	mu     sync.Mutex
	lru    list.List // of *handle, most recently used first; idle and busy
	byC    map[*chunk]*handle
	closed bool
}

// handle is one open chunk log.
type handle struct {
	c    *chunk
	f    *os.File
	refs int
	elem *list.Element // nil once dropped from the cache
}

func newFileCache(max int) *fileCache {
	return &fileCache{max: max, byC: map[*chunk]*handle{}}
}

// acquire returns c's log (at path) open for reading, opening it if
// needed; the caller must release it.
func (fc *fileCache) acquire(c *chunk, path string) (*handle, error) {
	fc.mu.Lock()
	if h, err := fc.lookupLocked(c); h != nil || err != nil {
		fc.mu.Unlock()
		return h, err
	}
	fc.mu.Unlock()
	f, err := os.Open(path) // outside the lock: opens do not queue behind each other
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: chunk %x removed", ErrNotFound, c.base)
	}
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if h, err := fc.lookupLocked(c); h != nil || err != nil { // opened meanwhile
		f.Close()
		return h, err
	}
	h := &handle{c: c, f: f, refs: 1}
	h.elem = fc.lru.PushFront(h)
	fc.byC[c] = h
	fc.evictLocked()
	return h, nil
}

func (fc *fileCache) lookupLocked(c *chunk) (*handle, error) {
	if fc.closed {
		return nil, ErrClosed
	}
	if c.dropped {
		// Checked again after an open: a stream removed and begun anew
		// reuses the chunk's file name, and those are not its bytes.
		return nil, fmt.Errorf("%w: chunk %x removed", ErrNotFound, c.base)
	}
	h := fc.byC[c]
	if h != nil {
		h.refs++
		fc.lru.MoveToFront(h.elem)
	}
	return h, nil
}

// release ends a use of h; a dropped handle closes with its last use.
func (fc *fileCache) release(h *handle) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	h.refs--
	if h.elem == nil {
		if h.refs == 0 {
			h.f.Close()
		}
		return
	}
	fc.evictLocked()
}

// evictLocked closes idle handles, least recently used first, while the
// cache is over its bound.
func (fc *fileCache) evictLocked() {
	for e := fc.lru.Back(); e != nil && fc.lru.Len() > fc.max; {
		prev := e.Prev()
		if h := e.Value.(*handle); h.refs == 0 {
			fc.removeLocked(h)
			h.f.Close()
		}
		e = prev
	}
}

func (fc *fileCache) removeLocked(h *handle) {
	fc.lru.Remove(h.elem)
	h.elem = nil
	delete(fc.byC, h.c)
}

// drop forgets c, whose files retention has deleted: its handle closes now,
// or with its last use (the disk space is freed then).
func (fc *fileCache) drop(c *chunk) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	c.dropped = true
	if h := fc.byC[c]; h != nil {
		fc.removeLocked(h)
		if h.refs == 0 {
			h.f.Close()
		}
	}
}

// close closes every idle handle (busy ones close with their last use) and
// refuses further opens.
func (fc *fileCache) close() {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.closed = true
	for _, h := range fc.byC {
		fc.removeLocked(h)
		if h.refs == 0 {
			h.f.Close()
		}
	}
}

// open reports the handles in the cache.
func (fc *fileCache) open() int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return fc.lru.Len()
}

// chunkReader reads a chunk's log through the cache, one handle use per
// ReadAt, so a section reader handed out holds no descriptor between reads.
type chunkReader struct {
	fc   *fileCache
	c    *chunk
	path string
}

func (r *chunkReader) ReadAt(p []byte, off int64) (int, error) {
	h, err := r.fc.acquire(r.c, r.path)
	if err != nil {
		return 0, err
	}
	defer r.fc.release(h)
	return h.f.ReadAt(p, off)
}
