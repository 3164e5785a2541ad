package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// focusLayout places the focus view: the first object (the large tile) on
// the left, as big as a 16:9 picture with its caption under it can be,
// and the last object (the replay bar) right under it; a column on the
// right holding the other tiles (beside mode) and, second to last of the
// objects, the details panel under them. In picture-in-picture mode
// the other tiles lie over the large picture's top-right corner instead
// (drawn after it, as they come later in the objects).
type focusLayout struct {
	pip      bool
	onLayout func() // after every layout: the feeds follow the tile sizes
}

const (
	// focusGap is the space between the parts, and the inset of
	// picture-in-picture tiles.
	focusGap = 6
	// focusColumn is the least width of the right column; it takes
	// focusColumnShare of wider areas.
	focusColumn      = 260
	focusColumnShare = 0.26
	// focusPiPShare is the width of a picture-in-picture tile as a share
	// of the large picture's.
	focusPiPShare = 0.28
	// focusPanelUnder is the least height left under the large picture
	// and its bar for the details panel to go there.
	focusPanelUnder = 160
)

func (l *focusLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < 3 {
		return
	}
	n := len(objs)
	main, rest, panel, bar := objs[0], objs[1:n-2], objs[n-2], objs[n-1]
	capH := captionHeight()
	barH := bar.MinSize().Height
	// The large picture fits the area's width and height with its caption
	// and the replay bar under it: as wide as the height allows, and the
	// column beside takes the rest (a share of the width, at least
	// focusColumn). When the width is what bounds it, the column keeps
	// only its least width, so the picture grows.
	fitW := max((size.Height-barH-focusGap-capH)*tileAspect, 0)
	colW := max(focusColumn, size.Width*focusColumnShare)
	if fitW < size.Width-colW-focusGap {
		colW = size.Width - fitW - focusGap
	} else {
		colW = min(colW, max(focusColumn, size.Width-fitW-focusGap))
	}
	panelH := max(panel.MinSize().Height, focusPanelUnder)
	heightFor := func(w float32) float32 { return max(min(size.Height-barH-focusGap, w/tileAspect+capH), 0) }
	roomUnder := func(h float32) bool { return size.Height-(h+2*focusGap+barH) >= panelH-0.5 }
	mainW := max(size.Width-colW-focusGap, 0)
	if w := min(size.Width, fitW, (size.Height-2*focusGap-barH-panelH-capH)*tileAspect); (l.pip || len(rest) == 0) && w > mainW {
		// Picture in picture (or a lone picture) with the panel under it: no
		// column at all.
		mainW = w
	}
	mainH := heightFor(mainW)
	main.Move(fyne.NewPos(0, 0))
	main.Resize(fyne.NewSize(mainW, mainH))
	bar.Move(fyne.NewPos(0, mainH+focusGap))
	bar.Resize(fyne.NewSize(mainW, barH))
	// Under the bar, a width-bound picture leaves the lower part of the
	// area: the details panel goes there when it fits, so the window's
	// height is used and the markers list gets its room.
	underY := mainH + focusGap + barH + focusGap
	under := roomUnder(mainH)
	y := float32(0)
	if l.pip {
		// The picture's rectangle inside the large tile (contain-fitted).
		ph := mainH - capH
		pw := min(mainW, ph*tileAspect)
		px := (mainW - pw) / 2
		w := pw * focusPiPShare
		h := w/tileAspect + capH
		py := float32(focusGap)
		for _, o := range rest {
			o.Move(fyne.NewPos(px+pw-w-focusGap, py))
			o.Resize(fyne.NewSize(w, h))
			py += h + focusGap
		}
	} else {
		h := colW/tileAspect + capH
		for _, o := range rest {
			o.Move(fyne.NewPos(size.Width-colW, y))
			o.Resize(fyne.NewSize(colW, h))
			y += h + focusGap
		}
	}
	if under {
		panel.Move(fyne.NewPos(0, underY))
		panel.Resize(fyne.NewSize(mainW, size.Height-underY))
	} else {
		panel.Move(fyne.NewPos(size.Width-colW, y))
		panel.Resize(fyne.NewSize(colW, max(size.Height-y, 0)))
	}
	if l.onLayout != nil {
		l.onLayout()
	}
}

func (l *focusLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(focusColumn+320+focusGap, 240)
}

// captionHeight is the height of a tile's name bar (see tileRenderer).
func captionHeight() float32 {
	return fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{Bold: true}).Height + 2*theme.Padding()
}
