package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"proctor/proto"
)

// FocusFPS is the frame rate the focus view asks Sentinels for.
const FocusFPS = 15

// Focus shows all Sentinels of one session (webcam and screen) large, side
// by side, at the full rate. It asks each Sentinel for a keyframe and a
// higher frame rate on open and withdraws the request on Close.
type Focus struct {
	// Content is the container to put in a window.
	Content *fyne.Container
	// Session is the session shown.
	Session string

	live   Live
	layout *pageLayout
	tiles  []*Tile
	feeds  []Feed
	sel    int
	opt    FeedOptions
}

// NewFocus opens the focus view on the Sentinels of one session.
func NewFocus(live Live, session string, sentinels []proto.SentinelInfo, showStats bool) *Focus {
	f := &Focus{Session: session, live: live}
	f.layout = &pageLayout{onCell: f.cellSized}
	objs := make([]fyne.CanvasObject, 0, len(sentinels))
	for _, s := range sentinels {
		t := NewTile(s.ID, displayName(s), caption(s))
		t.SetInfo(displayName(s), caption(s), s.State)
		t.SetShowStats(showStats)
		f.tiles = append(f.tiles, t)
		objs = append(objs, t)
		if live != nil {
			f.feeds = append(f.feeds, live.Watch(s.ID, FeedOptions{Width: 1280, Height: 720}))
			live.Boost(s.ID, true)
		}
	}
	for i, t := range f.tiles {
		idx := i
		t.OnTapped = func() { f.Select(idx) }
	}
	f.Content = container.New(f.layout, objs...)
	f.Select(0)
	return f
}

// Tiles are the tiles shown.
func (f *Focus) Tiles() []*Tile { return f.tiles }

// Select moves the selection (the Sentinel a marker is flagged on).
func (f *Focus) Select(i int) {
	if len(f.tiles) == 0 {
		return
	}
	f.sel = (i%len(f.tiles) + len(f.tiles)) % len(f.tiles)
	for k, t := range f.tiles {
		t.SetSelected(k == f.sel && len(f.tiles) > 1)
	}
}

// Selected is the selected tile's Sentinel id.
func (f *Focus) Selected() string {
	if len(f.tiles) == 0 {
		return ""
	}
	return f.tiles[f.sel].ID()
}

// SelectedIndex is the index of the selected tile.
func (f *Focus) SelectedIndex() int { return f.sel }

// Update refreshes the tiles' states from the roster.
func (f *Focus) Update(r *Roster, reconnecting bool) {
	for _, t := range f.tiles {
		if s, ok := r.Get(t.ID()); ok {
			st := s.State
			if reconnecting {
				st = StateReconnecting
			}
			t.SetInfo(displayName(s), caption(s), st)
		} else {
			t.SetInfo(t.name, t.source, StateOffline)
		}
	}
}

// SetShowStats shows the stats line on every tile.
func (f *Focus) SetShowStats(on bool) {
	for _, t := range f.tiles {
		t.SetShowStats(on)
	}
}

// Pump swaps in new frames; see Grid.Pump.
func (f *Focus) Pump(withStats bool) {
	for i, fd := range f.feeds {
		img, n := fd.Frame()
		f.tiles[i].SetFrame(img, n)
		if withStats {
			f.tiles[i].SetStats(fd.Stats())
		}
	}
}

// Close closes the feeds and withdraws the keyframe and fps requests.
func (f *Focus) Close() {
	for i, fd := range f.feeds {
		fd.Close()
		f.live.Boost(f.tiles[i].ID(), false)
	}
	f.feeds = nil
}

func (f *Focus) cellSized(cell fyne.Size) {
	g := Grid{}
	opt := g.optionsFor(cell)
	opt.KeyframesOnly = false
	if opt == f.opt {
		return
	}
	f.opt = opt
	for _, fd := range f.feeds {
		fd.Configure(opt)
	}
}
