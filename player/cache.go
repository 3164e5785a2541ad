package player

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// fetchWorkers is how many Archive requests run at once per player.
const fetchWorkers = 2

// fetchTimeout bounds one Archive request.
const fetchTimeout = 15 * time.Second

// fetch is one segment being fetched or fetched. done is closed when data
// or err is set.
type fetch struct {
	seq  uint64
	done chan struct{}
	data []byte
	err  error
	used uint64 // LRU tick
}

// segCache fetches media segments from the Archive with a few workers and
// keeps the most recently used ones.
type segCache struct {
	arch   Archive
	limit  int
	onDone func()
	jobs   chan *fetch

	mu    sync.Mutex
	items map[uint64]*fetch
	tick  uint64
}

func newSegCache(arch Archive, limit int, onDone func()) *segCache {
	return &segCache{
		arch:   arch,
		limit:  limit,
		onDone: onDone,
		jobs:   make(chan *fetch, limit),
		items:  make(map[uint64]*fetch),
	}
}

// start runs the fetch workers until ctx is done; wg tracks them.
func (c *segCache) start(ctx context.Context, wg *sync.WaitGroup) {
	for range fetchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case f := <-c.jobs:
					c.run(ctx, f)
				}
			}
		}()
	}
}

func (c *segCache) run(ctx context.Context, f *fetch) {
	fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	data, err := c.arch.Segment(fctx, f.seq)
	cancel()
	if err != nil {
		err = fmt.Errorf("%w: segment %d: %w", ErrFetch, f.seq, err)
	}
	c.mu.Lock()
	f.data, f.err = data, err
	if err != nil {
		// Failed fetches are not cached: a later request retries.
		if c.items[f.seq] == f {
			delete(c.items, f.seq)
		}
	}
	c.mu.Unlock()
	close(f.done)
	c.onDone()
}

// get returns the fetch of seq, starting it if needed. Waiting on done is
// the caller's choice (prefetch does not wait).
func (c *segCache) get(seq uint64) *fetch {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	if f, ok := c.items[seq]; ok {
		f.used = c.tick
		return f
	}
	f := &fetch{seq: seq, done: make(chan struct{}), used: c.tick}
	select {
	case c.jobs <- f:
	default:
		f.err = fmt.Errorf("%w: segment %d: too many requests in flight", ErrFetch, seq)
		close(f.done)
		return f
	}
	c.items[seq] = f
	c.evictLocked()
	return f
}

// evictLocked drops the least recently used finished fetches beyond limit.
func (c *segCache) evictLocked() {
	for len(c.items) > c.limit {
		var old *fetch
		for _, f := range c.items {
			select {
			case <-f.done:
			default:
				continue
			}
			if old == nil || f.used < old.used {
				old = f
			}
		}
		if old == nil {
			return
		}
		delete(c.items, old.seq)
	}
}
