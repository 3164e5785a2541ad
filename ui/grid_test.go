package ui

import (
	"fmt"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestAutoGrid(t *testing.T) {
	wide := fyne.NewSize(1280, 720)
	cases := []struct {
		name string
		n    int
		size fyne.Size
		want GridSpec
	}{
		{"one", 1, wide, GridSpec{1, 1}},
		{"two side by side", 2, wide, GridSpec{2, 1}},
		{"four", 4, wide, GridSpec{2, 2}},
		{"nine", 9, wide, GridSpec{3, 3}},
		{"sixteen", 16, wide, GridSpec{4, 4}},
		{"sixty-four", 64, wide, GridSpec{8, 8}},
		{"capped at 64", 100, wide, GridSpec{8, 8}},
		{"no size yet", 10, fyne.Size{}, GridSpec{4, 3}},
		{"tall area stacks", 2, fyne.NewSize(400, 900), GridSpec{1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AutoGrid(c.n, c.size); got != c.want {
				t.Errorf("AutoGrid(%d, %v) = %v, want %v", c.n, c.size, got, c.want)
			}
		})
	}
}

func TestPageGrid(t *testing.T) {
	g, per, pages := PageGrid(3, 20, fyne.NewSize(800, 600))
	if g != (GridSpec{3, 3}) || per != 9 || pages != 3 {
		t.Errorf("fixed 3x3 with 20 tiles: %v %d %d", g, per, pages)
	}
	if lo, hi := PageRange(2, 9, 20); lo != 18 || hi != 20 {
		t.Errorf("last page range %d-%d", lo, hi)
	}
	if lo, hi := PageRange(5, 9, 20); lo != 20 || hi != 20 {
		t.Errorf("past the end %d-%d", lo, hi)
	}
}

// newGridWindow shows a grid of n Sentinels in a 1280x720 test window.
func newGridWindow(t *testing.T, n int) (*Grid, *fakeLive, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	live := newFakeLive()
	g := NewGrid(live)
	w := test.NewTempWindow(t, g.Content)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1280, 720))
	r := NewRoster()
	r.Apply(protoSentinels{sentinels(n)}.msg())
	g.SetSentinels(r.List(""))
	return g, live, w
}

func TestGridLayouts(t *testing.T) {
	for _, c := range []struct {
		n        int
		spec     GridSpec
		keyframe bool
	}{{1, GridSpec{1, 1}, false}, {4, GridSpec{2, 2}, false}, {9, GridSpec{3, 3}, false}, {16, GridSpec{4, 4}, false}, {64, GridSpec{8, 8}, true}} {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			g, live, w := newGridWindow(t, c.n)
			if got := g.Spec(); got != c.spec {
				t.Fatalf("spec %v, want %v", got, c.spec)
			}
			if len(g.Tiles()) != c.n || len(live.open()) != c.n {
				t.Fatalf("%d tiles, %d feeds, want %d", len(g.Tiles()), len(live.open()), c.n)
			}
			cell := g.Tiles()[0].Size()
			for _, f := range live.open() {
				if o := f.options(); o.KeyframesOnly != c.keyframe || o.Width > int(cell.Width)+1 || o.Width < int(cell.Width)-40 {
					t.Errorf("feed %s options %+v for cell %v", f.id, o, cell)
				}
			}
			last := g.Tiles()[c.n-1]
			if p := last.Position(); p.X+last.Size().Width > 1280.5 || p.Y+last.Size().Height > 720.5 {
				t.Errorf("last tile at %v size %v leaves the window", p, last.Size())
			}
			for _, f := range live.open() {
				f.push(color.RGBA{0x40, 0x80, 0xc0, 0xff})
			}
			g.Pump(false)
			for _, tl := range g.Tiles() {
				if tl.FrameCount() != 1 {
					t.Fatalf("tile %s shows frame %d", tl.ID(), tl.FrameCount())
				}
			}
			test.AssertRendersToMarkup(t, fmt.Sprintf("grid_%d.xml", c.n), w.Canvas())
		})
	}
}

func TestGridPagesUnsubscribeOffPage(t *testing.T) {
	g, live, _ := newGridWindow(t, 100)
	if g.Pages() != 2 || len(g.Tiles()) != 64 {
		t.Fatalf("pages %d tiles %d", g.Pages(), len(g.Tiles()))
	}
	g.SetPage(1)
	open := live.open()
	if len(g.Tiles()) != 36 || len(open) != 36 {
		t.Fatalf("page 2: %d tiles %d feeds", len(g.Tiles()), len(open))
	}
	if _, ok := open["s00"]; ok {
		t.Error("s00 is off the page but still subscribed")
	}
	if _, ok := open["s99"]; !ok {
		t.Error("s99 is on the page but not subscribed")
	}
	g.SetMode(3)
	if g.Pages() != 12 || len(live.open()) != 9 {
		t.Errorf("3x3: %d pages, %d feeds", g.Pages(), len(live.open()))
	}
	g.Suspend()
	if len(live.open()) != 0 {
		t.Error("suspended grid keeps feeds")
	}
	g.Resume()
	if len(live.open()) != 9 {
		t.Error("resume did not subscribe the page")
	}
}
