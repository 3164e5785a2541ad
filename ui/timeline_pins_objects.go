package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// pinObjects draw the markers as pins: a head above the track with the
// marker's label beside it, and a stem down through the track.
type pinObjects struct {
	heads  []*canvas.Circle
	stems  []*canvas.Rectangle
	labels []*canvas.Text
}

// layout places the pins of t's markers; labels sit in the row above the
// heads (textH high) and hide where they would overlap (LayoutPins).
func (p *pinObjects) layout(t *Timeline, w, textH, bottom float32) {
	n := len(t.markers)
	for len(p.heads) < n {
		p.heads = append(p.heads, canvas.NewCircle(markerColor))
		p.stems = append(p.stems, canvas.NewRectangle(markerColor))
		tx := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		tx.TextSize = theme.CaptionTextSize()
		p.labels = append(p.labels, tx)
	}
	p.heads, p.stems, p.labels = p.heads[:n], p.stems[:n], p.labels[:n]
	xs, widths := make([]float32, n), make([]float32, n)
	for i, m := range t.markers {
		xs[i] = t.model.X(m.Time, w)
		p.labels[i].Text = m.Label
		widths[i] = p.labels[i].MinSize().Width
	}
	places := LayoutPins(xs, widths, w)
	for i, x := range xs {
		out := x < 0 || x > w
		h, s, l := p.heads[i], p.stems[i], p.labels[i]
		h.Hidden, s.Hidden = out, out
		h.Move(fyne.NewPos(x-pinHead/2, textH))
		h.Resize(fyne.NewSize(pinHead, pinHead))
		s.Move(fyne.NewPos(x-1, textH+pinHead/2))
		s.Resize(fyne.NewSize(2, bottom-textH-pinHead/2))
		l.Hidden = out || !places[i].Show
		l.Move(fyne.NewPos(places[i].X, 0))
		l.Resize(fyne.NewSize(widths[i], textH))
	}
}

func (p *pinObjects) appendTo(objs []fyne.CanvasObject) []fyne.CanvasObject {
	for i := range p.heads {
		objs = append(objs, p.stems[i], p.heads[i], p.labels[i])
	}
	return objs
}
