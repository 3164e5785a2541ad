package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"proctor/proto"
)

// KeyframeOnlyBelow is the tile width (in Fyne units) under which tiles
// decode keyframes only: too small for motion to matter.
const KeyframeOnlyBelow = 300

// Grid is the live wall of tiles: one page of at most 64 Sentinels, in a
// fixed or automatic layout. Only the tiles of the visible page hold a
// Feed; the others are unsubscribed. Use it on the Fyne goroutine.
type Grid struct {
	// Content is the container to put in a window.
	Content *fyne.Container
	// OnOpen is called with a tile's Sentinel when it is clicked, or chosen
	// with Enter or a number key.
	OnOpen func(s proto.SentinelInfo)
	// OnPage is called when the page or page count changes.
	OnPage func(page, pages int)

	live      Live
	layout    *pageLayout
	mode      int
	page      int
	sel       int
	showStats bool
	suspended bool
	list      []proto.SentinelInfo
	tiles     map[string]*Tile
	feeds     map[string]Feed
	feedOpt   map[string]FeedOptions
	reconnect bool
	attn      *Attention       // nil: no cues
	now       func() time.Time // the clock of attention inputs
	segBuf    []SegmentInfo
}

// SetAttention makes the grid feed its pictures and segments to a and
// show a's cues on the tiles; now is the clock of the inputs.
func (g *Grid) SetAttention(a *Attention, now func() time.Time) {
	g.attn, g.now = a, now
}

// RefreshCues shows the current attention cues on the tiles.
func (g *Grid) RefreshCues() {
	if g.attn == nil {
		return
	}
	for id, t := range g.tiles {
		t.SetCue(g.attn.Cue(id))
	}
}

// NewGrid returns an empty grid fed by live (which may be nil in tests).
func NewGrid(live Live) *Grid {
	g := &Grid{live: live, tiles: map[string]*Tile{}, feeds: map[string]Feed{}, feedOpt: map[string]FeedOptions{}}
	g.layout = &pageLayout{onCell: g.cellSized}
	g.Content = container.New(g.layout)
	return g
}

// SetSentinels replaces the list of Sentinels the grid shows, in order.
// When only their states changed, the tiles are just refreshed.
func (g *Grid) SetSentinels(list []proto.SentinelInfo) {
	same := len(list) == len(g.list)
	for i := 0; same && i < len(list); i++ {
		same = list[i].ID == g.list[i].ID
	}
	g.list = list
	if same && len(g.Content.Objects) > 0 {
		g.refreshInfo()
		return
	}
	g.rebuild()
}

// SetMode picks the layout: 0 automatic, k a fixed k x k grid.
func (g *Grid) SetMode(mode int) {
	g.mode = max(0, min(mode, 8))
	g.rebuild()
}

// Mode is the current layout mode.
func (g *Grid) Mode() int { return g.mode }

// Spec is the grid of the current page.
func (g *Grid) Spec() GridSpec { return g.layout.spec(len(g.pageTiles())) }

// Page and Pages tell which page is shown and how many there are.
func (g *Grid) Page() int { return g.page }

// Pages is the number of pages.
func (g *Grid) Pages() int {
	_, per := g.perPage()
	return max(1, (len(g.list)+per-1)/per)
}

// SetPage shows page p (clamped).
func (g *Grid) SetPage(p int) {
	g.page = p
	g.sel = 0
	g.rebuild()
}

// Tiles are the tiles of the visible page, in order.
func (g *Grid) Tiles() []*Tile {
	out := make([]*Tile, 0, len(g.Content.Objects))
	for _, o := range g.Content.Objects {
		out = append(out, o.(*Tile))
	}
	return out
}

// Selected is the index of the keyboard selection on the page.
func (g *Grid) Selected() int { return g.sel }

// PictureTime is the capture time of the picture tile id shows (zero
// before its first picture or without a feed): a marker is stamped with
// what the proctor sees, which trails the wall clock.
func (g *Grid) PictureTime(id string) time.Time {
	if f, ok := g.feeds[id]; ok {
		return f.Position()
	}
	return time.Time{}
}

// Select moves the keyboard selection to tile i of the page.
func (g *Grid) Select(i int) {
	ts := g.Tiles()
	if len(ts) == 0 {
		return
	}
	g.sel = max(0, min(i, len(ts)-1))
	for k, t := range ts {
		t.SetSelected(k == g.sel)
	}
}

// Move moves the selection by dx columns and dy rows.
func (g *Grid) Move(dx, dy int) {
	cols := max(1, g.Spec().Cols)
	g.Select(g.sel + dx + dy*cols)
}

// Open opens tile i of the page (as a click would).
func (g *Grid) Open(i int) {
	ts := g.Tiles()
	if i < 0 || i >= len(ts) || g.OnOpen == nil {
		return
	}
	lo, _ := g.pageRange()
	g.OnOpen(g.list[lo+i])
}

// SetShowStats shows the stats line on every tile.
func (g *Grid) SetShowStats(on bool) {
	g.showStats = on
	for _, t := range g.tiles {
		t.SetShowStats(on)
	}
}

// ShowStats reports whether stats are shown.
func (g *Grid) ShowStats() bool { return g.showStats }

// SetReconnecting marks every tile as reconnecting (or not).
func (g *Grid) SetReconnecting(on bool) {
	g.reconnect = on
	g.refreshInfo()
}

// Suspend closes every feed (the grid is hidden); Resume subscribes the
// visible page again.
func (g *Grid) Suspend() {
	g.suspended = true
	g.syncFeeds(nil)
}

// Resume undoes Suspend.
func (g *Grid) Resume() {
	g.suspended = false
	g.syncFeeds(g.pageTiles())
}

// Pump swaps in the newest frame of every visible tile. The frame ticker
// calls it inside fyne.Do; withStats (once a second) also refreshes the
// stats lines and hands the segments received to the attention analysis.
func (g *Grid) Pump(withStats bool) {
	var now time.Time
	if g.attn != nil {
		now = g.now()
	}
	for id, f := range g.feeds {
		t := g.tiles[id]
		if t == nil {
			continue
		}
		img, n := f.Frame()
		if t.SetFrame(img, n) && g.attn != nil {
			g.attn.Picture(id, img, now)
		}
		if withStats {
			t.SetStats(f.Stats())
			if g.attn != nil {
				g.segBuf = f.Segments(g.segBuf[:0])
				for _, s := range g.segBuf {
					g.attn.Segment(id, s)
				}
			}
		}
	}
}

// Subscribed lists the Sentinels that currently hold a feed.
func (g *Grid) Subscribed() map[string]FeedOptions {
	out := make(map[string]FeedOptions, len(g.feedOpt))
	for k, v := range g.feedOpt {
		out[k] = v
	}
	return out
}

// Close closes all feeds.
func (g *Grid) Close() { g.syncFeeds(nil) }

func (g *Grid) perPage() (GridSpec, int) {
	spec, per, _ := PageGrid(g.mode, min(len(g.list), MaxTiles), g.Content.Size())
	return spec, max(per, 1)
}

func (g *Grid) pageRange() (int, int) {
	_, per := g.perPage()
	return PageRange(g.page, per, len(g.list))
}

func (g *Grid) pageTiles() []proto.SentinelInfo {
	lo, hi := g.pageRange()
	return g.list[lo:hi]
}

func (g *Grid) rebuild() {
	pages := g.Pages()
	g.page = max(0, min(g.page, pages-1))
	g.layout.mode = g.mode
	page := g.pageTiles()
	objs := make([]fyne.CanvasObject, 0, len(page))
	keep := map[string]bool{}
	for i, s := range page {
		t := g.tiles[s.ID]
		if t == nil {
			t = NewTile(s.ID, displayName(s), caption(s))
			t.SetShowStats(g.showStats)
			g.tiles[s.ID] = t
		}
		idx := i
		t.OnTapped = func() { g.Select(idx); g.Open(idx) }
		keep[s.ID] = true
		objs = append(objs, t)
	}
	for id := range g.tiles {
		if !keep[id] {
			delete(g.tiles, id)
		}
	}
	g.Content.Objects = objs
	g.refreshInfo()
	g.Select(g.sel)
	g.Content.Refresh()
	if !g.suspended {
		g.syncFeeds(page)
	}
	if g.OnPage != nil {
		g.OnPage(g.page, pages)
	}
}

func (g *Grid) refreshInfo() {
	for _, s := range g.pageTiles() {
		if t := g.tiles[s.ID]; t != nil {
			st := s.State
			if g.reconnect {
				st = StateReconnecting
			}
			t.SetInfo(displayName(s), caption(s), st)
			if g.attn != nil {
				t.SetCue(g.attn.Cue(s.ID))
			}
		}
	}
}
