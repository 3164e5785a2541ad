package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

var (
	rangeColor  = color.NRGBA{0x2e, 0xb8, 0x4f, 0xcc}
	gapColor    = color.NRGBA{0x80, 0x80, 0x80, 0x40}
	markerColor = color.NRGBA{0xe5, 0x39, 0x35, 0xff}
)

// timelineRenderer owns the canvas objects of a Timeline. Range and marker
// objects are pooled and rebuilt on Refresh.
type timelineRenderer struct {
	t        *Timeline
	track    *canvas.Rectangle
	ranges   []*canvas.Rectangle
	markers  []*canvas.Rectangle
	handle   *canvas.Rectangle
	knob     *canvas.Circle
	from, to *canvas.Text
	at       *canvas.Text
	objects  []fyne.CanvasObject
}

func newTimelineRenderer(t *Timeline) *timelineRenderer {
	r := &timelineRenderer{t: t,
		track:  canvas.NewRectangle(gapColor),
		handle: canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		knob:   canvas.NewCircle(theme.Color(theme.ColorNamePrimary)),
		from:   canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		to:     canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		at:     canvas.NewText("", theme.Color(theme.ColorNameForeground)),
	}
	for _, tx := range []*canvas.Text{r.from, r.to, r.at} {
		tx.TextSize = theme.CaptionTextSize()
	}
	r.to.Alignment = fyne.TextAlignTrailing
	r.at.Alignment = fyne.TextAlignCenter
	r.at.TextStyle.Bold = true
	r.Refresh()
	return r
}

const (
	trackTop    = 18
	trackHeight = 22
)

func (r *timelineRenderer) MinSize() fyne.Size {
	return fyne.NewSize(200, trackTop+trackHeight+r.from.MinSize().Height+4)
}

func (r *timelineRenderer) Layout(size fyne.Size) {
	m, w := r.t.model, size.Width
	r.track.Move(fyne.NewPos(0, trackTop))
	r.track.Resize(fyne.NewSize(w, trackHeight))
	for i, rg := range r.t.ranges {
		x0 := max(0, m.X(rg.From, w))
		x1 := min(w, m.X(rg.To, w))
		if x1 < x0 {
			x1 = x0
		}
		r.ranges[i].Move(fyne.NewPos(x0, trackTop))
		r.ranges[i].Resize(fyne.NewSize(max(x1-x0, 1), trackHeight))
		r.ranges[i].Hidden = x1 <= 0 || x0 >= w
	}
	for i, mk := range r.t.markers {
		x := m.X(mk.Time, w)
		r.markers[i].Move(fyne.NewPos(x-1.5, trackTop-6))
		r.markers[i].Resize(fyne.NewSize(3, trackHeight+12))
		r.markers[i].Hidden = x < 0 || x > w
	}
	x := m.X(r.t.pos, w)
	r.handle.Move(fyne.NewPos(x-1, trackTop-4))
	r.handle.Resize(fyne.NewSize(2, trackHeight+8))
	r.knob.Move(fyne.NewPos(x-6, trackTop+trackHeight/2-6))
	r.knob.Resize(fyne.NewSize(12, 12))
	ty := float32(trackTop + trackHeight + 2)
	r.from.Move(fyne.NewPos(0, ty))
	r.from.Resize(r.from.MinSize())
	ts := r.to.MinSize()
	r.to.Move(fyne.NewPos(w-ts.Width, ty))
	r.to.Resize(ts)
	as := r.at.MinSize()
	r.at.Move(fyne.NewPos(max(0, min(x-as.Width/2, w-as.Width)), 0))
	r.at.Resize(as)
}

func (r *timelineRenderer) Refresh() {
	t := r.t
	for len(r.ranges) < len(t.ranges) {
		r.ranges = append(r.ranges, canvas.NewRectangle(rangeColor))
	}
	r.ranges = r.ranges[:len(t.ranges)]
	for len(r.markers) < len(t.markers) {
		r.markers = append(r.markers, canvas.NewRectangle(markerColor))
	}
	r.markers = r.markers[:len(t.markers)]
	m := t.model
	r.from.Text = clockText(m.From, m.Window())
	r.to.Text = clockText(m.To, m.Window())
	r.at.Text = clockText(t.pos, m.Window())
	r.objects = r.objects[:0]
	r.objects = append(r.objects, r.track)
	for _, o := range r.ranges {
		r.objects = append(r.objects, o)
	}
	for _, o := range r.markers {
		r.objects = append(r.objects, o)
	}
	r.objects = append(r.objects, r.handle, r.knob, r.from, r.to, r.at)
	r.Layout(t.Size())
	canvas.Refresh(t)
}

// clockText formats t with the precision the window needs.
func clockText(t time.Time, window time.Duration) string {
	if window < time.Minute {
		return t.Local().Format("15:04:05.0")
	}
	return t.Local().Format("15:04:05")
}

func (r *timelineRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *timelineRenderer) Destroy()                     {}
