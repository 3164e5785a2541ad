package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"proctor/proto"
)

// FocusFPS is the frame rate the focus view asks Sentinels for.
const FocusFPS = 15

// Focus shows all Sentinels of one session large: the screen feed large
// and the webcam beside it (or as a picture in picture), swappable; the
// session's details and markers beside the pictures; and instant replay
// (back 10 or 30 s, then live again). It asks each Sentinel for a keyframe
// and a higher frame rate on open and withdraws the request on Close.
// Use it on the Fyne goroutine.
type Focus struct {
	// Content is the container to put in a window.
	Content fyne.CanvasObject
	// Session is the session shown.
	Session string
	// Panel holds the session's details and markers.
	Panel *FocusPanel
	// Replay is the instant replay bar.
	Replay *ReplayBar

	live   Live
	now    func() time.Time
	layout *focusLayout
	pics   *fyne.Container
	tiles  []*Tile       // in session order (webcam, then screen)
	feeds  []ReplayFeed  // feeds[i] shows tiles[i]
	opts   []FeedOptions // as last configured
	main   int           // index of the large tile
	sel    int
	// behind is the last replay target (zero: live), seekedAt when it was set.
	behind, seekedAt time.Time
	attn             *Attention // fed while live; nil: not analysed
	segBuf           []SegmentInfo
}

// NewFocus opens the focus view on the Sentinels of one session; now is
// the clock replay positions are measured against.
func NewFocus(live Live, session string, sentinels []proto.SentinelInfo, showStats bool, now func() time.Time) *Focus {
	if now == nil {
		now = time.Now
	}
	f := &Focus{Session: session, live: live, now: now}
	f.layout = &focusLayout{onLayout: f.tilesSized}
	for i, s := range sentinels {
		t := NewTile(s.ID, displayName(s), caption(s))
		t.SetInfo(displayName(s), caption(s), s.State)
		t.SetShowStats(showStats)
		t.SetCaptionBelow(true)
		idx := i
		t.OnTapped = func() { f.Select(idx) }
		f.tiles = append(f.tiles, t)
		if s.Source == proto.SourceScreen && f.main == 0 && (len(sentinels) == 1 || sentinels[0].Source != proto.SourceScreen) {
			f.main = i
		}
		if live != nil {
			opt := FeedOptions{Width: 1280, Height: 720}
			f.feeds = append(f.feeds, live.Replay(session, s.ID, opt))
			f.opts = append(f.opts, opt)
			live.Boost(s.ID, true)
		}
	}
	f.pics = container.New(f.layout)
	f.Panel = NewFocusPanel(session, sentinels)
	f.Replay = NewReplayBar()
	f.Panel.OnMarker = func(m proto.Marker) { f.ReplayAt(m.Time) }
	f.arrange()
	f.Replay.OnBack = f.Back
	f.Replay.OnLive = f.GoLive
	f.Replay.OnSwap = f.Swap
	f.Replay.OnPiP = func() { f.SetPiP(!f.layout.pip) }
	f.Content = f.pics
	f.Select(f.main)
	return f
}

// Tiles are the tiles shown, in session order.
func (f *Focus) Tiles() []*Tile { return f.tiles }

// Main is the index of the large tile.
func (f *Focus) Main() int { return f.main }

// PiP reports whether the other tiles sit over the large one's corner.
func (f *Focus) PiP() bool { return f.layout.pip }

// Swap makes the next tile the large one (webcam and screen change places).
func (f *Focus) Swap() {
	if len(f.tiles) < 2 {
		return
	}
	f.main = (f.main + 1) % len(f.tiles)
	f.arrange()
}

// SetPiP switches between the column beside the large picture and
// picture in picture.
func (f *Focus) SetPiP(on bool) {
	f.layout.pip = on
	f.frame()
	f.pics.Refresh()
}

// frame outlines the small pictures lying over the large one.
func (f *Focus) frame() {
	for i, t := range f.tiles {
		t.SetFramed(f.layout.pip && i != f.main)
	}
}

// arrange puts the large tile first in the container (drawn first, so
// picture-in-picture tiles lie over it), the others in session order,
// then the panel.
func (f *Focus) arrange() {
	objs := make([]fyne.CanvasObject, 0, len(f.tiles)+1)
	if len(f.tiles) > 0 {
		objs = append(objs, f.tiles[f.main])
	}
	for i, t := range f.tiles {
		if i != f.main {
			objs = append(objs, t)
		}
	}
	f.pics.Objects = append(objs, f.Panel.Content, f.Replay.Content)
	f.frame()
	f.pics.Refresh()
}

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

// Update refreshes the tiles' states and the panel from the roster.
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
	f.Panel.SetSentinels(r.Session(f.Session))
}

// RefreshCues shows the attention cues of the session's Sentinels.
func (f *Focus) RefreshCues(a *Attention) {
	for _, t := range f.tiles {
		t.SetCue(a.Cue(t.ID()))
	}
	f.Panel.SetCues(a.Cue)
}

// SetShowStats shows the stats line on every tile.
func (f *Focus) SetShowStats(on bool) {
	for _, t := range f.tiles {
		t.SetShowStats(on)
	}
}

// SetAttention makes the focus view feed its live pictures and segments
// to a (the grid's feeds are closed meanwhile); a replay is not analysed.
func (f *Focus) SetAttention(a *Attention) { f.attn = a }

// Pump swaps in new frames; see Grid.Pump. Once a second (withStats) the
// replay bar shows how far behind live the picture is.
func (f *Focus) Pump(withStats bool) {
	analyse := f.attn != nil && f.behind.IsZero()
	var now time.Time
	if analyse {
		now = f.now()
	}
	for i, fd := range f.feeds {
		img, n := fd.Frame()
		id := f.tiles[i].ID()
		if f.tiles[i].SetFrame(img, n) && analyse {
			f.attn.Picture(id, img, now)
		}
		if withStats {
			f.tiles[i].SetStats(fd.Stats())
			f.segBuf = fd.Segments(f.segBuf[:0])
			for _, s := range f.segBuf {
				if analyse {
					f.attn.Segment(id, s)
				}
			}
		}
	}
	if withStats {
		f.showPosition()
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

// tilesSized configures each feed for its tile's pixel size.
func (f *Focus) tilesSized() {
	var g Grid
	for i, t := range f.tiles {
		if i >= len(f.feeds) || t.Size().Width <= 0 {
			continue
		}
		sz := t.Size()
		sz.Height = max(sz.Height-captionHeight(), 1)
		opt := g.optionsFor(sz)
		opt.KeyframesOnly = false
		if opt != f.opts[i] {
			f.opts[i] = opt
			f.feeds[i].Configure(opt)
		}
	}
}
