package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// thumbWidth is the width, in pixels and units, of one hover picture.
const thumbWidth = 160

var hoverColor = color.NRGBA{0xff, 0xff, 0xff, 0xc0}

// hoverObjects are the hover line and, above the timeline, the pictures
// of the keyframe under the pointer with its time. They are drawn outside
// the widget's own area, over the pictures above it.
type hoverObjects struct {
	line   *canvas.Rectangle
	bg     *canvas.Rectangle
	when   *canvas.Text
	images []*canvas.Image
}

func (h *hoverObjects) init() {
	h.line = canvas.NewRectangle(hoverColor)
	h.bg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	h.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	h.bg.StrokeWidth = 1
	h.when = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	h.when.TextSize = theme.CaptionTextSize()
}

// layout shows the line at the pointer and the pictures above it, kept
// inside the timeline's width.
func (h *hoverObjects) layout(t *Timeline, w, top, th float32) {
	h.line.Hidden = !t.hovering
	h.line.Move(fyne.NewPos(t.hoverX, top))
	h.line.Resize(fyne.NewSize(1, th))
	for len(h.images) < len(t.thumbs) {
		img := canvas.NewImageFromImage(nil)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleFastest
		h.images = append(h.images, img)
	}
	h.images = h.images[:len(t.thumbs)]
	show := t.hovering && len(t.thumbs) > 0
	h.bg.Hidden, h.when.Hidden = !show, !show
	if !show {
		return
	}
	var tallest float32
	for i, img := range h.images {
		if img.Image != t.thumbs[i] {
			img.Image = t.thumbs[i]
			img.Refresh() // a new picture: upload it once
		}
		img.Hidden = t.thumbs[i] == nil
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
	y := -boxH - 2
	h.bg.Move(fyne.NewPos(x, y))
	h.bg.Resize(fyne.NewSize(boxW, boxH))
	for i, img := range h.images {
		img.Move(fyne.NewPos(x+pad+float32(i)*(thumbWidth+pad), y+pad))
		img.Resize(fyne.NewSize(thumbWidth, tallest))
	}
	h.when.Move(fyne.NewPos(x+pad, y+pad+tallest))
	h.when.Resize(ws)
}

func (h *hoverObjects) appendTo(objs []fyne.CanvasObject) []fyne.CanvasObject {
	objs = append(objs, h.line, h.bg)
	for _, img := range h.images {
		objs = append(objs, img)
	}
	return append(objs, h.when)
}
