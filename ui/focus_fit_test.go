package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestFocusUsesTheWindow: at 1600x1000 the large picture fits the area
// by width or by height (not by a fixed share of the width), and the
// lower part of the area is not left empty: the replay bar reaches the
// bottom or the details panel lies under it. Beside, swapped and picture
// in picture alike.
func TestFocusUsesTheWindow(t *testing.T) {
	a, _ := connectTestApp(t, 5) // exam02 has one Sentinel
	a.win.Resize(fyne.NewSize(1600, 1000))
	a.live.OpenFocus("exam01")
	a.settle()
	f := a.live.Focus
	check := func(name string) {
		t.Helper()
		area := f.pics.Size()
		main := f.Tiles()[f.Main()]
		bar := f.Replay.Content
		barBottom := bar.Position().Y + bar.Size().Height
		byWidth := main.Size().Width >= area.Width-focusColumn-focusGap-1
		byHeight := barBottom >= area.Height-1
		if !byWidth && !byHeight {
			t.Errorf("%s: picture %v in %v fits neither the width nor the height", name, main.Size(), area)
		}
		p := f.Panel.Content
		under := p.Position().X < 1 && p.Position().Y <= barBottom+focusGap+1 && p.Position().Y+p.Size().Height >= area.Height-1
		if !byHeight && !under {
			t.Errorf("%s: %v empty under the bar (bottom %v of %v); panel at %v", name, area.Height-barBottom, barBottom, area.Height, p.Position())
		}
		for _, tl := range f.Tiles() {
			if tl.Position().X+tl.Size().Width > area.Width+0.5 || tl.Position().Y+tl.Size().Height > area.Height+0.5 {
				t.Errorf("%s: %s at %v %v leaves the area %v", name, tl.ID(), tl.Position(), tl.Size(), area)
			}
		}
	}
	check("beside")
	c := a.win.Canvas()
	test.TypeOnCanvas(c, "x")
	check("swapped")
	test.TypeOnCanvas(c, "xp")
	check("pip")

	// A lone picture leaves no empty column: with the panel under it, it
	// takes the width (or the height).
	a.live.CloseFocus()
	a.live.OpenFocus("exam02")
	a.settle()
	f = a.live.Focus
	check("lone")
	area, main := f.pics.Size(), f.Tiles()[0]
	if f.Panel.Content.Position().X < 1 && main.Size().Width < area.Width-focusColumn/2 {
		t.Errorf("lone picture %v in %v: an empty column beside it", main.Size(), area)
	}
}
