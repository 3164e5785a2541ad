package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// ReaderConfig configures a Reader. Zero values take the defaults.
type ReaderConfig struct {
	// Block is how long one XREAD waits; default 500 ms. It is short and
	// re-issued because cancelling a context does not end a blocking XREAD
	// in go-redis v9.7.0 (go-redis#2556): Close waits at most this long.
	Block time.Duration
	// Count is the most entries per stream in one XREAD; default 256.
	Count int64
	// OnState, if set, is called from the reader goroutine when Redis
	// becomes unreachable (false) and reachable again (true), so the
	// caller can mark remote streams paused and /healthz degraded.
	OnState func(up bool)

	// trace, if set (benchmarks only), is called from the reader goroutine
	// when an XREAD returned, before its entries are delivered, so the
	// relay latency can be split by stage.
	trace func(returned time.Time, entries int)
}

func (c *ReaderConfig) withDefaults() ReaderConfig {
	o := *c
	if o.Block <= 0 {
		o.Block = 500 * time.Millisecond
	}
	if o.Count <= 0 {
		o.Count = 256
	}
	return o
}

// ReaderStats counts a Reader's work.
type ReaderStats struct {
	Reads, Entries, Errors, Malformed uint64
	Streams                           int
	Up                                bool
}

// Reader follows every stream the node's watchers need with one goroutine
// and one blocking XREAD over all of them, so a node's Redis connections do
// not grow with streams or watchers. Its client must be its own (the
// blocking call holds a pooled connection; joins and wake-ups use a second).
type Reader struct {
	rdb  redis.UniversalClient
	cfg  ReaderConfig
	log  *slog.Logger
	wake string

	reads, entries, errs, malformed atomic.Uint64
	up                              atomic.Bool

	mu      sync.Mutex
	follows map[string]*follow // by stream key
	wakeID  string

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// follow is one followed stream: the last id delivered and where to.
type follow struct {
	last    string // guarded by Reader.mu
	deliver func(redis.XMessage)
}

// NewReader starts a reader for node on its own client rdb (which it does
// not close). Close stops it.
func NewReader(rdb redis.UniversalClient, node string, cfg ReaderConfig, log *slog.Logger) *Reader {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Reader{rdb: rdb, cfg: cfg.withDefaults(), log: log.With("component", "bus.reader"),
		wake: wakeKey(node), follows: map[string]*follow{}, wakeID: "0-0", cancel: cancel}
	r.up.Store(true)
	r.wg.Add(1)
	go r.run(ctx)
	return r
}

// Close stops the reader and waits for it (at most about one Block).
func (r *Reader) Close() error {
	r.cancel()
	r.wg.Wait()
	return nil
}

// Stats returns the counters.
func (r *Reader) Stats() ReaderStats {
	r.mu.Lock()
	n := len(r.follows)
	r.mu.Unlock()
	return ReaderStats{Reads: r.reads.Load(), Entries: r.entries.Load(), Errors: r.errs.Load(),
		Malformed: r.malformed.Load(), Streams: n, Up: r.up.Load()}
}

// add starts following key after id (a real id, never "$"); deliver is
// called from the reader goroutine for every later entry, in order. The
// blocking XREAD is woken so the new key is read at once.
func (r *Reader) add(ctx context.Context, key, id string, deliver func(redis.XMessage)) error {
	r.mu.Lock()
	if _, ok := r.follows[key]; ok {
		r.mu.Unlock()
		return fmt.Errorf("follow %s: already followed", key)
	}
	r.follows[key] = &follow{last: id, deliver: deliver}
	r.mu.Unlock()
	if err := r.rdb.XAdd(ctx, &redis.XAddArgs{Stream: r.wake, MaxLen: 1, Approx: false,
		Values: []string{"w", "1"}}).Err(); err != nil {
		// Not fatal: the key is read at the next re-issue, within one Block.
		r.log.Debug("wake reader", "err", err)
	}
	return nil
}

// remove stops following key; entries already read for it are dropped.
func (r *Reader) remove(key string) {
	r.mu.Lock()
	delete(r.follows, key)
	r.mu.Unlock()
}

func (r *Reader) run(ctx context.Context) {
	defer r.wg.Done()
	backoff := time.Duration(0)
	var keys []string
	var fs []*follow
	for ctx.Err() == nil {
		keys, fs = r.snapshot(keys[:0], fs[:0])
		res, err := r.rdb.XRead(ctx, &redis.XReadArgs{Streams: keys, Count: r.cfg.Count, Block: r.cfg.Block}).Result()
		if ctx.Err() != nil {
			return
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			r.errs.Add(1)
			r.setUp(false, err)
			backoff = min(max(2*backoff, 50*time.Millisecond), time.Second)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		if r.cfg.trace != nil {
			n := 0
			for _, st := range res {
				n += len(st.Messages)
			}
			r.cfg.trace(time.Now(), n)
		}
		r.reads.Add(1)
		r.setUp(true, nil)
		r.dispatch(res, keys, fs)
	}
}

// snapshot lists the wake key and every followed key, then their last ids,
// as XREAD STREAMS wants them; fs[i] is the follow of keys[i+1].
func (r *Reader) snapshot(keys []string, fs []*follow) ([]string, []*follow) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys = append(keys, r.wake)
	for k, f := range r.follows {
		keys = append(keys, k)
		fs = append(fs, f)
	}
	keys = append(keys, r.wakeID)
	for _, f := range fs {
		keys = append(keys, f.last)
	}
	return keys, fs
}

// dispatch delivers what one XREAD returned to the follows it was read
// for; a follow removed (or replaced) meanwhile gets nothing.
func (r *Reader) dispatch(res []redis.XStream, keys []string, fs []*follow) {
	byKey := make(map[string]*follow, len(fs))
	for i, f := range fs {
		byKey[keys[i+1]] = f
	}
	for _, st := range res {
		if len(st.Messages) == 0 {
			continue
		}
		last := st.Messages[len(st.Messages)-1].ID
		if st.Stream == r.wake {
			r.mu.Lock()
			r.wakeID = last
			r.mu.Unlock()
			continue
		}
		f := byKey[st.Stream]
		r.mu.Lock()
		current := f != nil && r.follows[st.Stream] == f
		if current {
			f.last = last
		}
		r.mu.Unlock()
		if !current {
			continue
		}
		r.entries.Add(uint64(len(st.Messages)))
		for _, m := range st.Messages {
			f.deliver(m)
		}
	}
}

func (r *Reader) setUp(up bool, err error) {
	if r.up.Swap(up) == up {
		return
	}
	if up {
		r.log.Info("redis reachable again: remote streams resume")
	} else {
		r.log.Warn("redis unreachable: remote streams paused", "err", err)
	}
	if r.cfg.OnState != nil {
		r.cfg.OnState(up)
	}
}
