package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// thumbWidth is the width, in pixels and units, of one hover picture.
const thumbWidth = 160

var hoverColor = color.NRGBA{0xff, 0xff, 0xff, 0xc0}

// HoverPictures is where the pictures of the keyframe under the pointer
// show, with its time: a layer for the screen to stack over what sits
// above the timeline (the timeline scrolls, so Fyne clips it to its own
// area and it cannot draw above itself). It takes no events. Its left
// edge must line up with the timeline's.
type HoverPictures struct {
	widget.BaseWidget
	t *Timeline
}

func newHoverPictures(t *Timeline) *HoverPictures {
	h := &HoverPictures{t: t}
	h.ExtendBaseWidget(h)
	return h
}

// CreateRenderer implements fyne.Widget.
func (h *HoverPictures) CreateRenderer() fyne.WidgetRenderer {
	r := &hoverRenderer{h: h}
	r.init()
	return r
}

// hoverRenderer draws the pictures at the bottom of the layer, centred on
// the pointer's position along the timeline.
type hoverRenderer struct {
	h *HoverPictures
	hoverObjects
	objects []fyne.CanvasObject
}

func (r *hoverRenderer) Layout(size fyne.Size) {
	r.layout(r.h.t, size.Width, size.Height)
	r.objects = r.appendTo(r.objects[:0])
}
func (r *hoverRenderer) MinSize() fyne.Size           { return fyne.NewSize(0, 0) }
func (r *hoverRenderer) Refresh()                     { r.Layout(r.h.Size()); canvas.Refresh(r.h) }
func (r *hoverRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *hoverRenderer) Destroy()                     {}

// hoverObjects are the pictures of the keyframe under the pointer, their
// time and, under each, its Sentinel's name.
type hoverObjects struct {
	bg     *canvas.Rectangle
	when   *canvas.Text
	images []*canvas.Image
	names  []*canvas.Text
}

func (h *hoverObjects) init() {
	h.bg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	h.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	h.bg.StrokeWidth = 1
	h.when = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	h.when.TextSize = theme.CaptionTextSize()
}

// layout shows the pictures with their bottom at bottom, centred on the
// pointer and kept inside the width w.
func (h *hoverObjects) layout(t *Timeline, w, bottom float32) {
	for len(h.images) < len(t.thumbs) {
		img := canvas.NewImageFromImage(nil)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleFastest
		h.images = append(h.images, img)
		name := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		name.TextSize = theme.CaptionTextSize()
		name.Alignment = fyne.TextAlignTrailing
		h.names = append(h.names, name)
	}
	h.images, h.names = h.images[:len(t.thumbs)], h.names[:len(t.thumbs)]
	show := t.hovering && len(t.thumbs) > 0
	h.bg.Hidden, h.when.Hidden = !show, !show
	if !show {
		return
	}
	var tallest float32
	for i, img := range h.images {
		// A nil *image.RGBA must not go into the image.Image interface
		// (a non-nil interface holding nil).
		pic := t.thumbs[i]
		img.Hidden = pic == nil
		if pic == nil {
			img.Image = nil
		} else if img.Image != image.Image(pic) {
			img.Image = pic
			img.Refresh() // a new picture: upload it once
		}
		if t.thumbs[i] != nil {
			b := t.thumbs[i].Bounds()
			tallest = max(tallest, float32(b.Dy())*thumbWidth/float32(max(1, b.Dx())))
		}
	}
	h.when.Text = t.thumbAt.Local().Format("15:04:05")
	ws := h.when.MinSize()
	const pad = 4
	boxW := float32(len(h.images))*(thumbWidth+pad) + pad
	boxH := tallest + ws.Height + 2*pad
	x := max(0, min(t.hoverX-boxW/2, w-boxW))
	y := bottom - boxH - 4
	h.bg.Move(fyne.NewPos(x, y))
	h.bg.Resize(fyne.NewSize(boxW, boxH))
	for i, img := range h.images {
		ix := x + pad + float32(i)*(thumbWidth+pad)
		img.Move(fyne.NewPos(ix, y+pad))
		img.Resize(fyne.NewSize(thumbWidth, tallest))
		n := h.names[i]
		n.Text = ""
		if i < len(t.activity) {
			n.Text = t.activity[i].Sentinel
		}
		n.Move(fyne.NewPos(ix, y+pad+tallest))
		n.Resize(fyne.NewSize(thumbWidth, ws.Height))
	}
	h.when.Move(fyne.NewPos(x+pad, y+pad+tallest))
	h.when.Resize(ws)
}

func (h *hoverObjects) appendTo(objs []fyne.CanvasObject) []fyne.CanvasObject {
	objs = append(objs, h.bg)
	for i, img := range h.images {
		objs = append(objs, img, h.names[i])
	}
	return append(objs, h.when)
}
