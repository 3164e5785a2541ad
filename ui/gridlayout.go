package ui

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2"
)

// MaxTiles is the most tiles one grid page shows.
const MaxTiles = 64

// GridSpec is a grid of Cols x Rows cells.
type GridSpec struct{ Cols, Rows int }

// Cells is the number of tiles a page of this grid holds.
func (g GridSpec) Cells() int { return g.Cols * g.Rows }

func (g GridSpec) String() string { return fmt.Sprintf("%dx%d", g.Cols, g.Rows) }

// GridModes are the layouts a proctor can pick: automatic (0) or a fixed
// square grid of 1, 4, 9, ... 64 cells.
var GridModes = []int{0, 1, 2, 3, 4, 5, 6, 7, 8}

// GridModeName names a grid mode for the layout selector.
func GridModeName(mode int) string {
	if mode <= 0 {
		return "Auto"
	}
	return fmt.Sprintf("%dx%d", mode, mode)
}

// tileAspect is the aspect ratio tiles are fitted for (width / height).
const tileAspect = 16.0 / 9.0

// AutoGrid chooses the grid for n tiles in an area of the given size: the
// column count that makes 16:9 pictures the largest. n is capped at
// MaxTiles; an empty size falls back to a near-square grid.
func AutoGrid(n int, size fyne.Size) GridSpec {
	if n <= 0 {
		return GridSpec{1, 1}
	}
	n = min(n, MaxTiles)
	if size.Width <= 0 || size.Height <= 0 {
		c := int(math.Ceil(math.Sqrt(float64(n))))
		return GridSpec{c, (n + c - 1) / c}
	}
	best, bestArea := GridSpec{1, n}, -1.0
	for cols := 1; cols <= n; cols++ {
		rows := (n + cols - 1) / cols
		w := float64(size.Width) / float64(cols)
		h := float64(size.Height) / float64(rows)
		pw, ph := w, w/tileAspect
		if ph > h {
			pw, ph = h*tileAspect, h
		}
		// Prefer fewer empty cells when pictures come out the same size.
		area := pw*ph - float64(cols*rows-n)*1e-3
		if area >= bestArea {
			best, bestArea = GridSpec{cols, rows}, area
		}
	}
	return best
}

// PageGrid returns the grid for one page given the layout mode (0 auto,
// k fixed k x k), the number of tiles and the area. It also returns how
// many tiles a page holds and how many pages n tiles need.
func PageGrid(mode, n int, size fyne.Size) (g GridSpec, perPage, pages int) {
	if mode > 0 {
		g = GridSpec{mode, mode}
	} else {
		g = AutoGrid(n, size)
	}
	perPage = g.Cells()
	pages = max(1, (n+perPage-1)/perPage)
	return g, perPage, pages
}

// PageRange is the slice [lo, hi) of n tiles shown on page p.
func PageRange(p, perPage, n int) (lo, hi int) {
	lo = min(max(p, 0)*perPage, n)
	return lo, min(lo+perPage, n)
}

// gridLayout places objects in the cells of a fixed grid, row by row, with
// a small gap. Objects beyond the cells are hidden.
type gridLayout struct {
	spec GridSpec
	gap  float32
}

func (l *gridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	cols, rows := max(l.spec.Cols, 1), max(l.spec.Rows, 1)
	cw := (size.Width - l.gap*float32(cols-1)) / float32(cols)
	ch := (size.Height - l.gap*float32(rows-1)) / float32(rows)
	for i, o := range objs {
		if i >= cols*rows {
			o.Hide()
			continue
		}
		c, r := i%cols, i/cols
		o.Move(fyne.NewPos(float32(c)*(cw+l.gap), float32(r)*(ch+l.gap)))
		o.Resize(fyne.NewSize(cw, ch))
	}
}

func (l *gridLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(float32(l.spec.Cols)*40, float32(l.spec.Rows)*30)
}
