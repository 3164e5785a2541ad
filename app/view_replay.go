//go:build !serveronly

package app

import (
	"time"

	"proctor/player"
	"proctor/ui"
)

// viewReplay is a ui.ReplayFeed: a live feed whose player also has the
// session's history, so live and the recent past are one timeline
// (instant replay in the focus view).
type viewReplay struct {
	viewFeed
}

// Replay subscribes to a Sentinel like Watch and gives its player the
// session's archive as well: a seek back reads the player's memory of the
// live feed while it covers the time, then the server over HTTP.
func (b *viewBackend) Replay(session, id string, opt ui.FeedOptions) ui.ReplayFeed {
	f := &viewReplay{viewFeed: viewFeed{b: b, opt: opt}}
	f.sub = b.w.Subscribe(id, nil)
	p, err := player.New(b.liveFeed(&f.viewFeed), b.h.Stream(session, id), player.Options{Log: b.log,
		Size: player.Size{Width: opt.Width, Height: opt.Height}, KeyframesOnly: opt.KeyframesOnly})
	if err != nil {
		b.log.Error("start replay player", "session", session, "sentinel", id, "err", err)
		f.sub.Close()
		return &viewReplay{viewFeed: viewFeed{b: b}}
	}
	f.mu.Lock()
	f.p = p
	f.mu.Unlock()
	return f
}

func (f *viewReplay) Replay(t time.Time) {
	if p := f.player(); p != nil {
		p.Replay(t)
	}
}

func (f *viewReplay) GoLive() bool {
	p := f.player()
	return p != nil && p.GoLive() == nil
}

func (f *viewReplay) player() *player.Player {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	return f.p
}
