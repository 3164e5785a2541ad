package ui

import (
	"image/color"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

var (
	rangeColor  = color.NRGBA{0x2e, 0xb8, 0x4f, 0x59}
	gapColor    = color.NRGBA{0x80, 0x80, 0x80, 0x40}
	markerColor = color.NRGBA{0xe5, 0x39, 0x35, 0xff}
	breakColor  = color.NRGBA{0xff, 0x98, 0x00, 0xff}
	tickColor   = color.NRGBA{0x80, 0x80, 0x80, 0xb0}
)

// Vertical layout of the timeline, in units: a row of pin labels, the
// track (recorded ranges, activity strips, breaks), then the axis.
const (
	pinHead      = 9  // diameter of a marker pin's head
	trackPad     = 2  // space above and below the strips inside the track
	stripRow     = 14 // height of one Sentinel's activity strip
	minTrack     = 22 // the track's height without strips
	majorTickLen = 6
	minorTickLen = 3
)

// timelineRenderer owns the canvas objects of a Timeline. Objects are
// pooled and resized on Refresh; only their number follows the data.
type timelineRenderer struct {
	t      *Timeline
	track  *canvas.Rectangle
	ranges []*canvas.Rectangle
	strip  stripObjects
	breaks []*canvas.Rectangle
	ticks  []*canvas.Rectangle
	labels []*canvas.Text
	pins   pinObjects
	handle *canvas.Rectangle
	knob   *canvas.Circle
	at     *canvas.Text
	atBg   *canvas.Rectangle
	hover  *canvas.Rectangle // the line under the pointer

	textH, labelW float32 // caption height, width of an axis label
	objects       []fyne.CanvasObject
}

func newTimelineRenderer(t *Timeline) *timelineRenderer {
	r := &timelineRenderer{t: t,
		track:  canvas.NewRectangle(gapColor),
		handle: canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		knob:   canvas.NewCircle(theme.Color(theme.ColorNamePrimary)),
		at:     canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		atBg:   canvas.NewRectangle(theme.Color(theme.ColorNameBackground)),
	}
	r.at.TextSize = theme.CaptionTextSize()
	r.at.TextStyle.Bold = true
	m := fyne.MeasureText("00:00:00", theme.CaptionTextSize(), fyne.TextStyle{})
	r.textH, r.labelW = m.Height, m.Width
	r.hover = canvas.NewRectangle(hoverColor)
	r.Refresh()
	return r
}

// trackTop is where the track starts, below the pin labels.
func (r *timelineRenderer) trackTop() float32 { return r.textH + pinHead + 2 }

// trackHeight grows with the number of activity strips.
func (r *timelineRenderer) trackHeight() float32 {
	return max(minTrack, float32(len(r.t.activity))*stripRow+2*trackPad)
}

func (r *timelineRenderer) MinSize() fyne.Size {
	return fyne.NewSize(200, r.trackTop()+r.trackHeight()+majorTickLen+r.textH+2)
}

func (r *timelineRenderer) Layout(size fyne.Size) {
	m, w := r.t.model, size.Width
	top, th := r.trackTop(), r.trackHeight()
	r.track.Move(fyne.NewPos(0, top))
	r.track.Resize(fyne.NewSize(w, th))
	for i, rg := range r.t.ranges {
		x0, x1 := max(0, m.X(rg.From, w)), min(w, m.X(rg.To, w))
		r.ranges[i].Move(fyne.NewPos(x0, top))
		r.ranges[i].Resize(fyne.NewSize(max(x1-x0, 1), th))
		r.ranges[i].Hidden = x1 <= 0 || x0 >= w
	}
	r.strip.layout(r.t, w, top+trackPad)
	brks := r.allBreaks()
	for i, b := range r.breaks {
		x := m.X(brks[i], w)
		b.Move(fyne.NewPos(x-1, top-2))
		b.Resize(fyne.NewSize(2, th+4))
		b.Hidden = x < 0 || x > w
	}
	x := m.X(r.t.pos, w)
	as := r.at.MinSize()
	ax := max(0, min(x-as.Width/2, w-as.Width))
	r.layoutAxis(w, top+th, ax-labelGap/2, ax+as.Width+labelGap/2)
	r.pins.layout(r.t, w, r.textH, top+th)
	r.handle.Move(fyne.NewPos(x-1, r.textH))
	r.handle.Resize(fyne.NewSize(2, top+th+majorTickLen-r.textH))
	r.knob.Move(fyne.NewPos(x-6, top+th/2-6))
	r.knob.Resize(fyne.NewSize(12, 12))
	ay := top + th + majorTickLen
	r.at.Move(fyne.NewPos(ax, ay))
	r.at.Resize(as)
	r.atBg.Move(r.at.Position().SubtractXY(3, 0))
	r.atBg.Resize(as.AddWidthHeight(6, 0))
	r.hover.Hidden = !r.t.hovering
	r.hover.Move(fyne.NewPos(r.t.hoverX, top))
	r.hover.Resize(fyne.NewSize(1, th))
	r.collect()
}

// layoutAxis places the ticks below the track at y and their labels under
// them; the labels never overlap each other (AxisSteps spaces them), and
// those that would run into the position's label, between skip0 and
// skip1, are left out.
func (r *timelineRenderer) layoutAxis(w, y, skip0, skip1 float32) {
	ticks := AxisTicks(r.t.model, w, r.labelW)
	for len(r.ticks) < len(ticks) {
		r.ticks = append(r.ticks, canvas.NewRectangle(tickColor))
		tx := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		tx.TextSize = theme.CaptionTextSize()
		tx.Alignment = fyne.TextAlignCenter
		r.labels = append(r.labels, tx)
	}
	for i, rc := range r.ticks {
		tx := r.labels[i]
		if i >= len(ticks) {
			rc.Hidden, tx.Hidden = true, true
			continue
		}
		tk := ticks[i]
		l := float32(minorTickLen)
		if tk.Major {
			l = majorTickLen
		}
		rc.Hidden = false
		rc.Move(fyne.NewPos(tk.X, y))
		rc.Resize(fyne.NewSize(1, l))
		tx.Text = tk.Label
		ts := tx.MinSize()
		// Labels at the very edges are pulled inside.
		lx := max(0, min(tk.X-ts.Width/2, w-ts.Width))
		tx.Hidden = !tk.Major || (lx < skip1 && lx+ts.Width > skip0)
		tx.Move(fyne.NewPos(lx, y+majorTickLen))
		tx.Resize(ts)
	}
}

// allBreaks are the break times of every strip, in order, each once (the
// Sentinels of a session usually break together).
func (r *timelineRenderer) allBreaks() []time.Time {
	var out []time.Time
	for _, a := range r.t.activity {
		out = append(out, a.Breaks()...)
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

func (r *timelineRenderer) Refresh() {
	t := r.t
	for len(r.ranges) < len(t.ranges) {
		r.ranges = append(r.ranges, canvas.NewRectangle(rangeColor))
	}
	r.ranges = r.ranges[:len(t.ranges)]
	nb := len(r.allBreaks())
	for len(r.breaks) < nb {
		r.breaks = append(r.breaks, canvas.NewRectangle(breakColor))
	}
	r.breaks = r.breaks[:nb]
	r.at.Text = clockText(t.pos, t.model.Window())
	r.Layout(t.Size())
	canvas.Refresh(t)
}

// collect lists the objects in drawing order. Layout does it, as the
// pools of bars, ticks and pins grow with the width and the zoom.
func (r *timelineRenderer) collect() {
	r.objects = r.objects[:0]
	r.objects = append(r.objects, r.track)
	for _, o := range r.ranges {
		r.objects = append(r.objects, o)
	}
	r.objects = r.strip.appendTo(r.objects)
	for _, o := range r.breaks {
		r.objects = append(r.objects, o)
	}
	for i := range r.ticks {
		r.objects = append(r.objects, r.ticks[i], r.labels[i])
	}
	r.objects = r.pins.appendTo(r.objects)
	r.objects = append(r.objects, r.handle, r.knob, r.atBg, r.at)
	r.objects = append(r.objects, r.hover)
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
