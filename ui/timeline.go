package ui

import (
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// markerHit is how close (in units) a click must be to a marker to pick it.
const markerHit = 6

// Timeline shows a session's recorded ranges and gaps, where recording
// broke off, an activity strip per Sentinel, its markers as labelled pins,
// a time axis that adapts to the zoom and a position handle. Drag the
// handle to preview (OnPreview while dragging, OnSeek on release), click
// to jump, click a marker to go to it, scroll to zoom; hovering reports
// the time under the pointer (OnHover) and shows the pictures SetThumbs
// hands back. Use it on the Fyne goroutine.
type Timeline struct {
	widget.BaseWidget

	OnSeek    func(t time.Time)
	OnPreview func(t time.Time)
	OnMarker  func(m proto.Marker)
	// OnHover is called with the time under the pointer as it moves over
	// the timeline, and with the zero time when it leaves.
	OnHover func(t time.Time)

	model    TimelineModel
	ranges   []Range
	activity []*Activity
	markers  []proto.Marker
	pos      time.Time
	dragging bool

	hovering bool
	hoverX   float32
	thumbAt  time.Time     // the time the thumbnails show
	thumbs   []*image.RGBA // one per Sentinel, nil entries allowed
	pictures *HoverPictures
}

// NewTimeline returns a timeline over [start, end].
func NewTimeline(start, end time.Time) *Timeline {
	t := &Timeline{model: NewTimelineModel(start, end), pos: start}
	t.pictures = newHoverPictures(t)
	t.ExtendBaseWidget(t)
	return t
}

// Model returns the time mapping (visible window and extent).
func (t *Timeline) Model() TimelineModel { return t.model }

// SetRanges sets the recorded ranges.
func (t *Timeline) SetRanges(r []Range) { t.ranges = r; t.Refresh() }

// SetActivity sets the activity strips, one per Sentinel, in the order
// they are drawn from the top.
func (t *Timeline) SetActivity(a []*Activity) { t.activity = a; t.Refresh() }

// Activity are the strips shown.
func (t *Timeline) Activity() []*Activity { return t.activity }

// SetThumbs shows pictures for the hover at time at (the keyframe they
// were decoded from); they stay until the pointer leaves.
func (t *Timeline) SetThumbs(at time.Time, imgs []*image.RGBA) {
	if !t.hovering {
		return
	}
	t.thumbAt, t.thumbs = at, imgs
	t.pictures.Refresh()
}

// HoverPictures is the layer the hover pictures show in, for the screen
// to stack over what is above the timeline.
func (t *Timeline) HoverPictures() *HoverPictures { return t.pictures }

// Thumbs are the hover pictures on show (nil when not hovering).
func (t *Timeline) Thumbs() []*image.RGBA { return t.thumbs }

// HoverTime is the time under the pointer; ok is false when the pointer
// is not over the timeline.
func (t *Timeline) HoverTime() (at time.Time, ok bool) {
	if !t.hovering {
		return time.Time{}, false
	}
	return t.model.At(t.hoverX, t.Size().Width), true
}

// MouseIn implements desktop.Hoverable.
func (t *Timeline) MouseIn(ev *desktop.MouseEvent) { t.MouseMoved(ev) }

// MouseMoved implements desktop.Hoverable: the hover line follows the
// pointer and OnHover asks for its pictures.
func (t *Timeline) MouseMoved(ev *desktop.MouseEvent) {
	t.hovering, t.hoverX = true, ev.Position.X
	t.Refresh()
	if t.OnHover != nil {
		at, _ := t.HoverTime()
		t.OnHover(at)
	}
}

// MouseOut implements desktop.Hoverable.
func (t *Timeline) MouseOut() {
	t.hovering, t.thumbs = false, nil
	t.Refresh()
	t.pictures.Refresh()
	if t.OnHover != nil {
		t.OnHover(time.Time{})
	}
}

// SetMarkers sets the markers.
func (t *Timeline) SetMarkers(m []proto.Marker) { t.markers = m; t.Refresh() }

// AddMarker adds one marker (a live marker event).
func (t *Timeline) AddMarker(m proto.Marker) { t.markers = append(t.markers, m); t.Refresh() }

// Markers are the markers shown.
func (t *Timeline) Markers() []proto.Marker { return t.markers }

// SetEnd grows the extent of a live session.
func (t *Timeline) SetEnd(end time.Time) { t.model.SetEnd(end); t.Refresh() }

// SetTime moves the handle (ignored while the user drags it) and pans
// the window to keep it visible.
func (t *Timeline) SetTime(p time.Time) {
	if t.dragging || p.Equal(t.pos) {
		return
	}
	t.pos = p
	t.model.Reveal(p)
	t.Refresh()
}

// Time is the handle's time.
func (t *Timeline) Time() time.Time { return t.pos }

// Dragging reports whether the handle is being dragged.
func (t *Timeline) Dragging() bool { return t.dragging }

// ZoomIn halves the visible window around the handle.
func (t *Timeline) ZoomIn() { t.model.Zoom(0.5, t.pos); t.Refresh() }

// ZoomOut doubles it.
func (t *Timeline) ZoomOut() { t.model.Zoom(2, t.pos); t.Refresh() }

// ZoomAll shows the whole session.
func (t *Timeline) ZoomAll() { t.model.ZoomAll(); t.Refresh() }

// Dragged implements fyne.Draggable: the handle follows and previews.
func (t *Timeline) Dragged(ev *fyne.DragEvent) {
	t.dragging = true
	t.pos = t.model.At(ev.Position.X, t.Size().Width)
	t.Refresh()
	if t.OnPreview != nil {
		t.OnPreview(t.pos)
	}
}

// DragEnd implements fyne.Draggable: seek to where the handle was left.
func (t *Timeline) DragEnd() {
	t.dragging = false
	if t.OnSeek != nil {
		t.OnSeek(t.pos)
	}
}

// pinLabelAt is the marker whose label (in the row above the track) is
// under p, or -1.
func (t *Timeline) pinLabelAt(p fyne.Position) int {
	size := theme.CaptionTextSize()
	if p.Y > fyne.MeasureText("0", size, fyne.TextStyle{}).Height {
		return -1
	}
	w := t.Size().Width
	xs, widths := make([]float32, len(t.markers)), make([]float32, len(t.markers))
	for i, m := range t.markers {
		xs[i] = t.model.X(m.Time, w)
		widths[i] = fyne.MeasureText(m.Label, size, fyne.TextStyle{}).Width
	}
	for i, pl := range LayoutPins(xs, widths, w) {
		if pl.Show && p.X >= pl.X && p.X <= pl.X+widths[i] {
			return i
		}
	}
	return -1
}

// Tapped implements fyne.Tappable: a marker's label or a marker near the
// click wins, else jump.
func (t *Timeline) Tapped(ev *fyne.PointEvent) {
	w := t.Size().Width
	best, bestD := -1, float32(markerHit+1)
	for i, m := range t.markers {
		d := t.model.X(m.Time, w) - ev.Position.X
		if d < 0 {
			d = -d
		}
		if d <= markerHit && d < bestD {
			best, bestD = i, d
		}
	}
	if l := t.pinLabelAt(ev.Position); l >= 0 {
		best = l
	}
	if best >= 0 {
		m := t.markers[best]
		t.pos = m.Time
		t.Refresh()
		if t.OnMarker != nil {
			t.OnMarker(m)
		}
		return
	}
	t.pos = t.model.At(ev.Position.X, w)
	t.Refresh()
	if t.OnSeek != nil {
		t.OnSeek(t.pos)
	}
}

// Scrolled implements fyne.Scrollable: scroll up zooms in at the pointer.
func (t *Timeline) Scrolled(ev *fyne.ScrollEvent) {
	at := t.model.At(ev.Position.X, t.Size().Width)
	switch {
	case ev.Scrolled.DY > 0:
		t.model.Zoom(0.8, at)
	case ev.Scrolled.DY < 0:
		t.model.Zoom(1.25, at)
	default:
		return
	}
	t.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer { return newTimelineRenderer(t) }
