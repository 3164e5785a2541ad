package ui

import (
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Tile shows one Sentinel: its picture, name and source, a status overlay
// when it is not live, and stats on hover or when ShowStats is set.
// Methods must be called on the Fyne goroutine (inside fyne.Do).
type Tile struct {
	widget.BaseWidget

	// OnTapped is called when the tile is clicked.
	OnTapped func()

	id, name, source string
	state            string
	cue              Cue
	captionBelow     bool
	framed           bool
	selected         bool
	showStats        bool
	hovered          bool
	stats            FeedStats
	img              *image.RGBA
	frameN           uint64
	r                *tileRenderer // the current renderer, nil before the first render
}

// NewTile returns a tile for the Sentinel id.
func NewTile(id, name, source string) *Tile {
	t := &Tile{id: id, name: name, source: source, state: StateLive}
	t.ExtendBaseWidget(t)
	return t
}

// ID is the Sentinel the tile shows.
func (t *Tile) ID() string { return t.id }

// SetInfo updates the name, source and state and refreshes.
func (t *Tile) SetInfo(name, source, state string) {
	if t.name == name && t.source == source && t.state == state {
		return
	}
	t.name, t.source, t.state = name, source, state
	t.Refresh()
}

// SetCue shows an attention cue: a coloured edge and a short word.
func (t *Tile) SetCue(c Cue) {
	if t.cue != c {
		t.cue = c
		t.Refresh()
	}
}

// Cue is the attention cue shown.
func (t *Tile) Cue() Cue { return t.cue }

// SetCaptionBelow puts the name bar under the picture instead of over its
// bottom edge (the focus view: nothing of the picture is hidden).
func (t *Tile) SetCaptionBelow(on bool) {
	if t.captionBelow != on {
		t.captionBelow = on
		t.Refresh()
	}
}

// SetFramed draws a light outline when the tile is not selected (a
// picture-in-picture tile lying over another picture).
func (t *Tile) SetFramed(on bool) {
	if t.framed != on {
		t.framed = on
		t.Refresh()
	}
}

// State is the status shown by the tile.
func (t *Tile) State() string { return t.state }

// SetSelected draws or removes the keyboard selection border.
func (t *Tile) SetSelected(on bool) {
	if t.selected != on {
		t.selected = on
		t.Refresh()
	}
}

// Selected reports whether the tile has the keyboard selection.
func (t *Tile) Selected() bool { return t.selected }

// SetShowStats shows the stats line even without hovering.
func (t *Tile) SetShowStats(on bool) {
	if t.showStats != on {
		t.showStats = on
		t.Refresh()
	}
}

// SetStats updates the stats line.
func (t *Tile) SetStats(s FeedStats) {
	t.stats = s
	if t.showStats || t.hovered {
		t.Refresh()
	}
}

// SetFrame shows a new picture; n is the frame counter from the Feed and a
// repeated n is ignored, so the ticker can call this freely.
func (t *Tile) SetFrame(img *image.RGBA, n uint64) bool {
	if img == nil || n == t.frameN {
		return false
	}
	t.img, t.frameN = img, n
	if t.r != nil {
		t.r.setImage(img)
	}
	return true
}

// FrameCount is the counter of the frame on screen.
func (t *Tile) FrameCount() uint64 { return t.frameN }

// Tapped implements fyne.Tappable.
func (t *Tile) Tapped(*fyne.PointEvent) {
	if t.OnTapped != nil {
		t.OnTapped()
	}
}

// MouseIn implements desktop.Hoverable: stats appear.
func (t *Tile) MouseIn(*desktop.MouseEvent) { t.hovered = true; t.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (t *Tile) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (t *Tile) MouseOut() { t.hovered = false; t.Refresh() }

// CreateRenderer implements fyne.Widget.
func (t *Tile) CreateRenderer() fyne.WidgetRenderer {
	t.r = newTileRenderer(t)
	return t.r
}

// statsText formats the stats line.
func (s FeedStats) String() string {
	return fmt.Sprintf("%.0f fps  %s  %s", s.FPS, formatBitrate(s.Bitrate), formatLatency(s.Latency))
}

func formatBitrate(b int64) string {
	switch {
	case b >= 1_000_000:
		return fmt.Sprintf("%.1f Mb/s", float64(b)/1e6)
	case b >= 1000:
		return fmt.Sprintf("%.0f kb/s", float64(b)/1e3)
	}
	return fmt.Sprintf("%d b/s", b)
}

func formatLatency(d time.Duration) string {
	if d <= 0 {
		return "– ms"
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// stateLabel is the text of the status overlay ("" when live).
func stateLabel(state string) string {
	switch state {
	case StateStalled:
		return "Stalled"
	case StateOffline:
		return "Offline"
	case StateReconnecting:
		return "Reconnecting…"
	}
	return ""
}
