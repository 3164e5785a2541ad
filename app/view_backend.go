//go:build !serveronly

package app

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"proctor/client"
	"proctor/player"
	"proctor/proto"
	"proctor/ui"
)

// viewBackend adapts client.Watcher, client.History and player to the
// interfaces ui declares. It owns the Watcher's Run goroutine, the event
// translator, and the closing of players (which waits for their engines,
// so it is done off the UI goroutine).
type viewBackend struct {
	log    *slog.Logger
	h      *client.History
	w      *client.Watcher
	events chan any
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

func newViewBackend(cfg client.Config, h *client.History, log *slog.Logger) *viewBackend {
	b := &viewBackend{log: log.With("component", "view"), h: h, w: client.NewWatcher(cfg), events: make(chan any, 256)}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.wg.Add(2)
	go func() {
		defer b.wg.Done()
		if err := b.w.Run(b.ctx); err != nil {
			b.log.Error("watch stopped", "err", err)
		}
	}()
	go b.translate()
	return b
}

// translate turns Watcher events into the ones ui knows; it ends when
// the Watcher closes its channel.
func (b *viewBackend) translate() {
	defer b.wg.Done()
	defer close(b.events)
	for ev := range b.w.Events() {
		switch e := ev.(type) {
		case client.ConnState:
			ev = ui.ConnState{Connected: e.Connected, Retrying: !e.Connected, Err: e.Err}
		case *proto.Error:
			b.log.Warn("server refused a request", "code", e.Code, "message", e.Message, "sentinel", e.Sentinel)
			continue
		}
		select {
		case b.events <- ev:
		case <-b.ctx.Done():
			return
		}
	}
}

func (b *viewBackend) Events() <-chan any { return b.events }

func (b *viewBackend) Watch(id string, opt ui.FeedOptions) ui.Feed {
	b.log.Debug("watch", "sentinel", id, "width", opt.Width, "height", opt.Height, "keyframes_only", opt.KeyframesOnly)
	f := &viewFeed{b: b, opt: opt}
	f.sub = b.w.Subscribe(id, nil)
	p, err := player.New(b.liveFeed(f), nil, player.Options{Log: b.log, Size: player.Size{Width: opt.Width, Height: opt.Height}, KeyframesOnly: opt.KeyframesOnly})
	if err != nil {
		b.log.Error("start player", "sentinel", id, "err", err)
		f.sub.Close()
		return &viewFeed{b: b}
	}
	f.mu.Lock()
	f.p = p
	f.mu.Unlock()
	return f
}

// liveFeed turns a feed's subscription into the player's LiveFeed and
// records each segment for the attention analysis on the way.
func (b *viewBackend) liveFeed(f *viewFeed) player.LiveFeed {
	return player.FromChan(f.sub.C, func(m client.Media) player.LiveMessage {
		if m.Skipped == nil {
			f.received(m.Header, len(m.Payload))
		}
		return player.LiveMessage{Header: m.Header, Payload: m.Payload, Skipped: m.Skipped}
	})
}

func (b *viewBackend) Boost(id string, on bool) {
	if on {
		b.w.Keyframe(id)
		b.w.FPS(id, ui.FocusFPS)
		return
	}
	b.w.FPS(id, 0)
}

func (b *viewBackend) Sessions(ctx context.Context, q ui.SessionQuery) (proto.SessionList, error) {
	return b.h.Sessions(ctx, client.Query{State: q.State, Text: q.Text, From: q.From, To: q.To, Limit: q.Limit, Cursor: q.Cursor})
}

func (b *viewBackend) Session(ctx context.Context, sid string) (proto.Session, error) {
	return b.h.Session(ctx, sid)
}

func (b *viewBackend) Markers(ctx context.Context, sid string) ([]proto.Marker, error) {
	return b.h.Markers(ctx, sid)
}

func (b *viewBackend) AddMarker(ctx context.Context, sid string, m proto.Marker) (proto.Marker, error) {
	return b.h.AddMarker(ctx, sid, m)
}

func (b *viewBackend) Segments(ctx context.Context, sid, id string, from, to time.Time) ([]proto.Segment, error) {
	return b.h.Segments(ctx, sid, id, from, to)
}

func (b *viewBackend) Export(ctx context.Context, sid, id string, from, to time.Time, w io.Writer, progress func(done, total int64)) error {
	return b.h.Export(ctx, sid, id, from, to, w, progress)
}

func (b *viewBackend) Open(sid, id string, opt ui.ReviewOptions) ui.Playback {
	var live player.LiveFeed
	var sub *client.Subscription
	if opt.Live {
		sub = b.w.Subscribe(id, nil)
		live = player.FromChan(sub.C, func(m client.Media) player.LiveMessage {
			return player.LiveMessage{Header: m.Header, Payload: m.Payload, Skipped: m.Skipped}
		})
	}
	p, err := player.New(live, b.h.Stream(sid, id), player.Options{Log: b.log,
		Size: player.Size{Width: opt.Width, Height: opt.Height}, Start: opt.Start, Paused: opt.Paused})
	if err != nil {
		b.log.Error("start review player", "session", sid, "sentinel", id, "err", err)
		if sub != nil {
			sub.Close()
		}
		return &viewPlayback{viewFeed: viewFeed{b: b}}
	}
	return &viewPlayback{viewFeed: viewFeed{b: b, p: p, sub: sub}}
}

// closeLater closes a player off the UI goroutine; Close waits for it.
func (b *viewBackend) closeLater(p *player.Player) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		p.Close()
	}()
}

func (b *viewBackend) Close() error {
	b.once.Do(func() {
		b.cancel()
		b.w.Close()
	})
	b.wg.Wait()
	return nil
}
