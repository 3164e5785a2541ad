package sentinel

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"proctor/client"
	"proctor/proto"
)

// PublishConfig says where and as whom a Sentinel publishes.
type PublishConfig struct {
	// Client reaches the server; its Token must be a sentinel token for ID.
	Client client.Config
	// ID is the Sentinel id (1-64 of a-z A-Z 0-9 - _).
	ID string
	// Session to publish into; empty lets the server make one.
	Session string
	// Details are the session details sent with hello.
	Details map[string]string
	// Backlog bounds the segments held while disconnected, in bytes
	// (default client.DefaultBacklog).
	Backlog int64
	// CheckTimeout bounds the reachability check before publishing
	// (default 5 s).
	CheckTimeout time.Duration
	// EndTimeout bounds sending what is queued and "end" at the close
	// (default 5 s).
	EndTimeout time.Duration
}

// Publication is a Sentinel publishing through a client.Publisher: its
// segments go to the server, and the server's keyframe and fps control
// messages reach the Sentinel.
type Publication struct {
	Sentinel  *Sentinel
	Publisher *client.Publisher
	pc        PublishConfig
	log       *slog.Logger
}

// NewPublication opens the source and prepares the publisher. It does not
// touch the network; Run checks the server first.
func NewPublication(cfg Config, pc PublishConfig) (*Publication, error) {
	if !proto.ValidID(pc.ID) {
		return nil, fmt.Errorf("%w: sentinel id %q (1-64 of a-z A-Z 0-9 - _)", ErrConfig, pc.ID)
	}
	if pc.Session != "" && !proto.ValidID(pc.Session) {
		return nil, fmt.Errorf("%w: session id %q (1-64 of a-z A-Z 0-9 - _)", ErrConfig, pc.Session)
	}
	if pc.CheckTimeout <= 0 {
		pc.CheckTimeout = 5 * time.Second
	}
	if pc.EndTimeout <= 0 {
		pc.EndTimeout = 5 * time.Second
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if pc.Client.Log == nil {
		pc.Client.Log = cfg.Log
	}
	p := &Publication{pc: pc, log: cfg.Log.With("component", "sentinel", "sentinel", pc.ID)}
	hello := proto.Hello{Sentinel: pc.ID, Session: pc.Session, Source: cfg.Kind(), Details: maps.Clone(pc.Details)}
	p.Publisher = client.NewPublisher(pc.Client, hello, client.PublishOptions{Backlog: pc.Backlog, OnControl: p.control})
	s, err := New(cfg, publisherSink{p.Publisher})
	if err != nil {
		return nil, err
	}
	p.Sentinel = s
	return p, nil
}

// control applies a control message from the server. It runs on the
// publisher's read goroutine and does not block.
func (p *Publication) control(m any) {
	switch m := m.(type) {
	case *proto.Keyframe:
		p.Sentinel.RequestKeyframe()
	case *proto.FPS:
		p.log.Info("frame rate requested", "fps", m.FPS)
		p.Sentinel.SetFPS(m.FPS)
	}
}

// Run checks that the server answers, then captures and publishes until
// ctx is done, sends what is queued and "end", and returns nil. It returns
// early with the error when the server is unreachable at the start, the
// server refuses the Sentinel (a rejected token, a closed session), or the
// source or encoder fails.
func (p *Publication) Run(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, p.pc.CheckTimeout)
	_, err := client.NewHistory(p.pc.Client).Health(cctx)
	cancel()
	if err != nil {
		return fmt.Errorf("server %s: %w", p.pc.Client.ServerList(), err)
	}
	pctx, stopPub := context.WithCancel(context.Background())
	defer stopPub()
	sctx, stopSen := context.WithCancel(ctx)
	defer stopSen()
	var (
		wg     sync.WaitGroup
		pubErr error
	)
	pubDone := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		pubErr = p.Publisher.Run(pctx)
		close(pubDone)
		stopSen() // a refused Sentinel stops capturing
	}()
	senErr := p.Sentinel.Run(sctx)
	ending := false
	select {
	case <-pubDone: // the publisher stopped on its own: refused or failed
	default:
		ending = true
		ectx, cancel := context.WithTimeout(context.Background(), p.pc.EndTimeout)
		if err := p.Publisher.End(ectx); err != nil {
			// The segments are in the server's log or the backlog is lost
			// with the process either way; a shutdown is not a failure.
			p.log.Warn("end of stream not confirmed", "err", err)
		}
		cancel()
		stopPub()
	}
	wg.Wait()
	switch {
	case !ending && pubErr != nil:
		return pubErr
	case senErr != nil:
		return senErr
	}
	return nil
}

// Close frees the Sentinel. Run must have returned.
func (p *Publication) Close() error { return p.Sentinel.Close() }

// publisherSink hands a Sentinel's output to a client.Publisher, which
// queues it (never blocking on the network) and numbers the segments.
type publisherSink struct{ p *client.Publisher }

func (s publisherSink) Init(gen uint64, payload []byte) error { return s.p.Init(gen, payload) }

func (s publisherSink) Segment(seg Segment) error {
	return s.p.Segment(client.Segment{Time: seg.Time, Duration: seg.Duration, Keyframe: seg.Keyframe, Payload: seg.Payload})
}
