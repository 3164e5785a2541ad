package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"proctor/proto"
)

// DefaultBacklog is the default PublishOptions.Backlog: 64 MiB, about 8
// minutes of a 1 Mbit/s stream.
const DefaultBacklog = 64 << 20

// PublishOptions tune a Publisher.
type PublishOptions struct {
	// Backlog bounds, in payload bytes, the segments held for a resume and
	// while disconnected. When it is full the oldest whole GOPs are dropped
	// (counted in PublishStats.Dropped). Default DefaultBacklog.
	Backlog int64
	// OnControl receives the server's control messages, *proto.Keyframe and
	// *proto.FPS, from the connection's read goroutine: it must not block.
	OnControl func(any)
}

// Segment is one media segment (moof+mdat pairs) to publish.
type Segment struct {
	Time     time.Time     // wall-clock time of the first sample
	Duration time.Duration // of all samples
	Keyframe bool          // the first sample is a sync sample
	Payload  []byte        // not modified by the Publisher; do not modify it after the call
}

// PublishStats is a snapshot of a Publisher's counters.
type PublishStats struct {
	Connected bool
	Session   string // from the last welcome
	Next      uint64 // sequence the next Segment gets (meaningful after the first welcome)
	Segments  int64  // accepted by Segment
	Sent      int64  // segment messages written, resends included
	Resent    int64  // segments sent again after a reconnect
	Dropped   int64  // segments dropped unsent to bound the backlog
	// DroppedBytes is the payload size of the dropped segments.
	DroppedBytes int64
	Backlog      int64 // payload bytes held
	Pending      int   // segments not sent on the current connection
	Connects     int64 // successful handshakes
	LastError    string
}

// Publisher is one Sentinel's ingest connection. Segment and Init only
// queue; Run does the network work, reconnecting with backoff and resuming
// at the sequence the server expects. With several servers in the Config a
// failed connection moves on to the next, which is welcomed the same way:
// it resumes at that server's next. Sequence numbers start at the first
// welcome's next and grow by one per Segment call, so segments dropped from
// the backlog show up at the server as a recorded gap.
type Publisher struct {
	id   string // hello.Sentinel
	cfg  Config
	log  *slog.Logger
	opts PublishOptions
	srv  *rotation // the server in use; Run only
	wake chan struct{}
	done chan struct{} // closed when Run returns

	mu             sync.Mutex
	hello          proto.Hello
	detailsPending bool
	based          bool   // the first welcome fixed the numbering
	genBase        uint64 // added to Init generations on the wire
	nextSeq        uint64
	cur            *initSeg
	bl             backlog
	running        bool
	ending         bool
	ended          chan struct{} // closed when "end" was sent
	abort          context.CancelFunc
	runErr         error
	stats          PublishStats
	lastDropLog    time.Time
	droppedLogged  int64
}

// NewPublisher returns a Publisher for hello.Sentinel; hello is sent on
// every connection (with the session the server assigned, once known).
func NewPublisher(cfg Config, hello proto.Hello, opts PublishOptions) *Publisher {
	cfg = cfg.withDefaults()
	if opts.Backlog <= 0 {
		opts.Backlog = DefaultBacklog
	}
	hello.Type = proto.TypeHello
	hello.Details = maps.Clone(hello.Details)
	return &Publisher{
		id:    hello.Sentinel,
		cfg:   cfg,
		log:   cfg.Log.With("component", "publisher", "sentinel", hello.Sentinel),
		opts:  opts,
		srv:   cfg.rotation(),
		wake:  make(chan struct{}, 1),
		done:  make(chan struct{}),
		hello: hello,
		bl:    backlog{limit: opts.Backlog},
		ended: make(chan struct{}),
	}
}

func (p *Publisher) notify() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Init sets the init segment of generation gen (1, 2, ... whenever the
// encoder's parameters change). It is sent before the next segment and
// again first on every reconnect. On the wire gen is offset by the
// generation the server had stored for the stream at the first welcome, so
// a restarted Sentinel continuing a session starts a new generation
// instead of colliding with the stored ones.
func (p *Publisher) Init(gen uint64, payload []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ending {
		return ErrClosed
	}
	if len(payload) == 0 {
		return errors.New("publish: empty init segment")
	}
	switch {
	case gen == 0:
		return errors.New("publish: init generations start at 1")
	case p.cur != nil && gen < p.cur.gen:
		return fmt.Errorf("publish: init generation %d after %d", gen, p.cur.gen)
	case p.cur != nil && gen == p.cur.gen && !bytes.Equal(p.cur.payload, payload):
		return fmt.Errorf("publish: init generation %d with other bytes: use generation %d", gen, gen+1)
	case p.cur == nil || gen > p.cur.gen:
		p.cur = &initSeg{gen: gen, payload: payload}
	}
	p.notify()
	return nil
}

// Segment queues a media segment; it never waits for the network.
func (p *Publisher) Segment(s Segment) error {
	if len(s.Payload) == 0 {
		return errors.New("publish: empty segment")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ending {
		return ErrClosed
	}
	if p.cur == nil {
		return errors.New("publish: segment before the first init segment")
	}
	e := &entry{
		seq:     p.nextSeq,
		time:    s.Time.UnixMicro(),
		dur:     uint32(min(s.Duration.Microseconds(), 1<<32-1)),
		key:     s.Keyframe,
		payload: s.Payload,
		init:    p.cur,
	}
	p.nextSeq++
	p.stats.Segments++
	if d := p.bl.push(e); d.n > 0 {
		p.stats.Dropped += d.n
		p.stats.DroppedBytes += d.bytes
		if now := time.Now(); now.Sub(p.lastDropLog) >= time.Second {
			p.log.Warn("backlog full: dropped oldest segments",
				"dropped", p.stats.Dropped-p.droppedLogged, "dropped_total", p.stats.Dropped,
				"backlog_bytes", p.bl.bytes)
			p.lastDropLog, p.droppedLogged = now, p.stats.Dropped
		}
	}
	p.notify()
	return nil
}

// Details replaces the session details; they are sent now if connected and
// with every later hello.
func (p *Publisher) Details(d map[string]string) error {
	// The server checks details the way proto does; refuse early what it would refuse.
	b, err := proto.Encode(&proto.Details{Type: proto.TypeDetails, Details: d})
	if err == nil {
		_, err = proto.DecodeMessage(b)
	}
	if err != nil {
		return fmt.Errorf("publish details: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ending {
		return ErrClosed
	}
	p.hello.Details = maps.Clone(d)
	p.detailsPending = true
	p.notify()
	return nil
}

// End sends what is still queued, then {"type":"end"}, and closes the
// connection; Run then returns nil. If ctx ends first, End gives up (Run
// stops too) and reports how many segments were not sent. End needs Run
// to be running (or to start) to get anywhere.
func (p *Publisher) End(ctx context.Context) error {
	p.mu.Lock()
	p.ending = true
	p.mu.Unlock()
	p.notify()
	select {
	case <-p.ended:
		return nil
	case <-p.done:
		p.mu.Lock()
		defer p.mu.Unlock()
		select {
		case <-p.ended:
			return nil
		default:
		}
		if p.runErr != nil {
			return fmt.Errorf("end: %w", p.runErr)
		}
		return fmt.Errorf("end: %w: publisher stopped before end was sent", ErrClosed)
	case <-ctx.Done():
		p.mu.Lock()
		n := p.bl.unsent()
		if p.abort != nil {
			p.abort()
		}
		p.mu.Unlock()
		return fmt.Errorf("end: %d segments not sent: %w", n, ctx.Err())
	}
}

// Stats returns a snapshot of the counters.
func (p *Publisher) Stats() PublishStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Next = p.nextSeq
	s.Backlog = p.bl.bytes
	s.Pending = p.bl.unsent()
	return s
}
