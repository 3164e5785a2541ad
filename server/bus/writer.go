package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// WriterConfig configures a Writer. Zero values take the defaults.
type WriterConfig struct {
	// Window is how much recent media each stream keeps (MINID trim);
	// default 20 s, the hub's memory window.
	Window time.Duration
	// MaxLen caps a stream's length (MAXLEN ~) as a safety net; default 10000.
	MaxLen int64
	// Queue is the bounded queue length in segments; default 1024.
	Queue int
	// Batch is the most segments sent in one pipeline; default 64.
	Batch int
	// Timeout bounds one pipeline round trip; default 2 s.
	Timeout time.Duration

	// trace, if set (benchmarks only), is called from the writer goroutine
	// after each pipeline with when its batch left the queue and when the
	// replies were in, so the relay latency can be split by stage.
	trace func(batch []Segment, dequeued, flushed time.Time)
}

func (c *WriterConfig) withDefaults() WriterConfig {
	o := *c
	if o.Window == 0 {
		o.Window = 20 * time.Second
	}
	if o.MaxLen == 0 {
		o.MaxLen = 10000
	}
	if o.Queue == 0 {
		o.Queue = 1024
	}
	if o.Batch == 0 {
		o.Batch = 64
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	return o
}

// Validate reports a configuration value out of range.
func (c WriterConfig) Validate() error {
	if c.Window < 0 || c.MaxLen < 0 || c.Queue < 0 || c.Batch < 0 || c.Timeout < 0 {
		return fmt.Errorf("%w: writer: negative value in %+v", ErrConfig, c)
	}
	return nil
}

// WriterStats counts what a Writer did; what could not be sent is Dropped
// (queue full: Redis slower than ingest) or Failed (Redis refused or was
// unreachable) or Fenced (a take-over made this node's epoch stale).
type WriterStats struct {
	Sent, Dropped, Failed, Fenced uint64
	// Up is false from a failed round trip until the next one succeeds.
	Up bool
}

// Writer appends the segments a node receives to the Sentinels' streams:
// one per node, pipelined, behind a bounded queue. Publish never blocks;
// when the queue is full the segment is dropped and counted, so a slow or
// absent Redis never slows a Sentinel's connection or local watchers.
type Writer struct {
	rdb redis.UniversalClient
	cfg WriterConfig
	log *slog.Logger
	q   chan Segment

	sent, dropped, failed, fenced atomic.Uint64
	up                            atomic.Bool

	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed atomic.Bool
}

// NewWriter starts a writer on rdb (which it does not close). Close stops it.
func NewWriter(rdb redis.UniversalClient, cfg WriterConfig, log *slog.Logger) (*Writer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	w := &Writer{rdb: rdb, cfg: cfg, log: log.With("component", "bus.writer"),
		q: make(chan Segment, cfg.Queue), cancel: cancel}
	w.up.Store(true)
	w.wg.Add(1)
	go w.run(ctx)
	return w, nil
}

// Publish queues s for its Sentinel's stream and reports whether it was
// queued. s.Data must not be modified afterwards (it is sent as is).
func (w *Writer) Publish(s Segment) bool {
	if w.closed.Load() {
		w.dropped.Add(1)
		return false
	}
	select {
	case w.q <- s:
		return true
	default:
		w.dropped.Add(1)
		return false
	}
}

// Stats returns the counters.
func (w *Writer) Stats() WriterStats {
	return WriterStats{Sent: w.sent.Load(), Dropped: w.dropped.Load(), Failed: w.failed.Load(),
		Fenced: w.fenced.Load(), Up: w.up.Load()}
}

// Close stops the writer after sending what is queued (bounded by one
// Timeout per batch while Redis answers) and waits for its goroutine.
func (w *Writer) Close() error {
	if w.closed.Swap(true) {
		return nil
	}
	close(w.q)
	w.wg.Wait()
	w.cancel()
	return nil
}

func (w *Writer) run(ctx context.Context) {
	defer w.wg.Done()
	batch := make([]Segment, 0, w.cfg.Batch)
	backoff := time.Duration(0)
	for s := range w.q {
		batch = append(batch[:0], s)
	fill:
		for len(batch) < w.cfg.Batch {
			select {
			case s, ok := <-w.q:
				if !ok {
					break fill
				}
				batch = append(batch, s)
			default:
				break fill
			}
		}
		dequeued := time.Now()
		err := w.send(ctx, batch)
		if w.cfg.trace != nil {
			w.cfg.trace(batch, dequeued, time.Now())
		}
		if err != nil {
			if w.up.Swap(false) {
				w.log.Warn("redis unreachable: live segments are not shared until it is back", "err", err)
			}
			// Back off so a dead Redis costs dial attempts at a bounded
			// rate; meanwhile the queue fills and drops are counted.
			backoff = min(max(2*backoff, 50*time.Millisecond), time.Second)
			if !w.closed.Load() {
				time.Sleep(backoff)
			}
			continue
		}
		backoff = 0
		if !w.up.Swap(true) {
			w.log.Info("redis reachable again: sharing live segments")
		}
	}
}

// send pipelines the batch; it returns an error only when the round trip
// failed as a whole (Redis down), after counting each segment's outcome.
// The script goes by its SHA; a Redis that forgot it (restarted) gets it
// loaded again and the refused segments resent once.
func (w *Writer) send(ctx context.Context, batch []Segment) error {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	cmds := w.pipeline(ctx, batch)
	var retry []Segment
	for i, c := range cmds {
		if err := c.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			retry = append(retry, batch[i])
		}
	}
	if len(retry) > 0 {
		if err := appendScript.Load(ctx, w.rdb).Err(); err != nil {
			w.failed.Add(uint64(len(batch)))
			return fmt.Errorf("load append script: %w", err)
		}
		for i := range cmds {
			if err := cmds[i].Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
				cmds[i] = nil
			}
		}
		again := w.pipeline(ctx, retry)
		for i, j := 0, 0; i < len(cmds); i++ {
			if cmds[i] == nil {
				cmds[i], j = again[j], j+1
			}
		}
	}
	var down error
	for i, c := range cmds {
		err := c.Err()
		if err == nil && c.Val() == nil {
			// go-redis v9.7.0 leaves the commands of a pipeline that never
			// got a connection (dial refused) without an error: no reply
			// is a failure too.
			err = errNoReply
		}
		switch {
		case err == nil:
			w.sent.Add(1)
		case redis.HasErrorPrefix(err, "FENCED"):
			w.fenced.Add(1)
			w.log.Debug("write fenced", "sentinel", batch[i].Sentinel, "epoch", batch[i].Epoch, "err", err)
		default:
			w.failed.Add(1)
			if _, reply := err.(redis.Error); !reply && down == nil {
				down = err
			}
		}
	}
	if down != nil {
		return fmt.Errorf("append %d segments: %w", len(batch), down)
	}
	return nil
}

var errNoReply = errors.New("no reply")

// pipeline sends one EVALSHA of the append script per segment.
func (w *Writer) pipeline(ctx context.Context, batch []Segment) []*redis.Cmd {
	win := strconv.FormatInt(w.cfg.Window.Milliseconds(), 10)
	pipe := w.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(batch))
	for i, s := range batch {
		cmds[i] = appendScript.EvalSha(ctx, pipe,
			[]string{segKey(s.Sentinel), metaKey(s.Sentinel), initKey(s.Sentinel)},
			win, w.cfg.MaxLen, uint8(s.Kind), s.Seq, s.Generation, uint8(s.Flags), s.Time, s.Duration, s.Data, s.Epoch)
	}
	_, _ = pipe.Exec(ctx)
	return cmds
}
