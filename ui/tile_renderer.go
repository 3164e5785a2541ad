package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// tileRenderer owns the canvas objects of a Tile.
type tileRenderer struct {
	t       *Tile
	bg      *canvas.Rectangle
	pic     *canvas.Image
	bar     *canvas.Rectangle // translucent strip behind the name
	dot     *canvas.Circle
	name    *canvas.Text
	source  *canvas.Text
	shade   *canvas.Rectangle // dims the picture when not live
	status  *canvas.Text
	stats   *canvas.Text
	border  *canvas.Rectangle // keyboard selection
	edge    *canvas.Rectangle // attention cue colour
	cueBg   *canvas.Rectangle
	cue     *canvas.Text
	objects []fyne.CanvasObject
}

var (
	textOnVideo = color.NRGBA{0xf2, 0xf2, 0xf2, 0xff}
	barColor    = color.NRGBA{0, 0, 0, 0x99}
	shadeColor  = color.NRGBA{0, 0, 0, 0x88}
	frameColor  = color.NRGBA{0xf2, 0xf2, 0xf2, 0xaa}
)

func newTileRenderer(t *Tile) *tileRenderer {
	r := &tileRenderer{t: t,
		bg:     canvas.NewRectangle(backdrop),
		pic:    &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleFastest},
		bar:    canvas.NewRectangle(barColor),
		dot:    canvas.NewCircle(StatusColor(t.state)),
		name:   canvas.NewText("", textOnVideo),
		source: canvas.NewText("", textOnVideo),
		shade:  canvas.NewRectangle(shadeColor),
		status: canvas.NewText("", textOnVideo),
		stats:  canvas.NewText("", textOnVideo),
		border: canvas.NewRectangle(color.Transparent),
		edge:   canvas.NewRectangle(color.Transparent),
		cueBg:  canvas.NewRectangle(color.Transparent),
		cue:    canvas.NewText("", textOnVideo),
	}
	r.edge.StrokeWidth = 4
	r.cue.TextStyle.Bold = true
	r.cue.TextSize = theme.CaptionTextSize()
	r.name.TextStyle.Bold = true
	r.source.TextSize = theme.CaptionTextSize()
	r.stats.TextSize = theme.CaptionTextSize()
	r.stats.TextStyle.Monospace = true
	r.status.TextStyle.Bold = true
	r.status.TextSize = theme.TextSubHeadingSize()
	r.status.Alignment = fyne.TextAlignCenter
	r.border.StrokeWidth = 3
	if t.img != nil {
		r.pic.Image = t.img
	}
	r.objects = []fyne.CanvasObject{r.bg, r.pic, r.shade, r.status, r.bar, r.dot, r.name, r.source, r.stats, r.edge, r.cueBg, r.cue, r.border}
	r.Refresh()
	return r
}

func (r *tileRenderer) setImage(img *image.RGBA) {
	r.pic.Image = img
	r.pic.Refresh()
}

func (r *tileRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	barH := r.name.MinSize().Height + 2*pad
	pic := size
	if r.t.captionBelow {
		pic.Height = max(size.Height-barH, 0)
	}
	r.bg.Resize(size)
	r.pic.Resize(pic)
	r.shade.Resize(pic)
	r.border.Resize(size)
	// The cue's edge lies inside the selection border: both show.
	r.edge.Move(fyne.NewPos(3, 3))
	r.edge.Resize(fyne.NewSize(max(size.Width-6, 0), max(size.Height-6, 0)))
	cs := r.cue.MinSize()
	r.cueBg.Resize(fyne.NewSize(cs.Width+4*pad, cs.Height+2*pad))
	r.cueBg.Move(fyne.NewPos(size.Width-cs.Width-4*pad-6, 6))
	r.cue.Move(fyne.NewPos(size.Width-cs.Width-2*pad-6, 6+pad))
	r.cue.Resize(cs)
	r.bar.Move(fyne.NewPos(0, size.Height-barH))
	r.bar.Resize(fyne.NewSize(size.Width, barH))
	d := float32(10)
	r.dot.Move(fyne.NewPos(pad*2, size.Height-barH/2-d/2))
	r.dot.Resize(fyne.NewSize(d, d))
	r.name.Move(fyne.NewPos(pad*3+d, size.Height-barH+pad))
	ns := r.name.MinSize()
	r.name.Resize(ns)
	ss := r.source.MinSize()
	r.source.Move(fyne.NewPos(pad*4+d+ns.Width, size.Height-barH+pad+(ns.Height-ss.Height)))
	r.source.Resize(ss)
	// A small tile (picture in picture, an 8x8 grid) drops the source
	// rather than draw it past its edge.
	r.source.Hidden = pad*4+d+ns.Width+ss.Width > size.Width
	st := r.stats.MinSize()
	r.stats.Move(fyne.NewPos(pad*2, pad*2))
	r.stats.Resize(st)
	sm := r.status.MinSize()
	r.status.Move(fyne.NewPos(0, (pic.Height-sm.Height)/2))
	if !r.t.captionBelow {
		r.status.Move(fyne.NewPos(0, (size.Height-barH-sm.Height)/2))
	}
	r.status.Resize(fyne.NewSize(size.Width, sm.Height))
}

func (r *tileRenderer) MinSize() fyne.Size { return fyne.NewSize(64, 36) }

func (r *tileRenderer) Refresh() {
	t := r.t
	r.dot.FillColor = StatusColor(t.state)
	r.name.Text = t.name
	r.source.Text = t.source
	label := stateLabel(t.state)
	r.status.Text = label
	r.status.Hidden = label == ""
	r.shade.Hidden = label == ""
	word := t.cue.Word()
	r.edge.StrokeColor = t.cue.Color()
	r.edge.Hidden = word == ""
	r.cue.Text = word
	r.cueBg.FillColor = t.cue.Color()
	// Stalled and offline already say so in the middle of the picture.
	badge := word != "" && label == ""
	r.cue.Hidden, r.cueBg.Hidden = !badge, !badge
	r.stats.Text = t.stats.String()
	r.stats.Hidden = !(t.showStats || t.hovered)
	if t.selected {
		r.border.StrokeColor = theme.Color(theme.ColorNamePrimary)
	} else if t.framed {
		r.border.StrokeColor = frameColor
	} else {
		r.border.StrokeColor = color.Transparent
	}
	if t.img != r.pic.Image && t.img != nil {
		r.pic.Image = t.img
	}
	r.Layout(t.Size())
	canvas.Refresh(t)
}

func (r *tileRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *tileRenderer) Destroy() {
	if r.t.r == r {
		r.t.r = nil
	}
}
