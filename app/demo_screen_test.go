//go:build !serveronly

package app

import (
	"image"

	"proctor/sentinel/pattern"
)

// Screenshot analysis for TestDemoSmoke. The demo's pictures (webcam and
// screen scenes, or colour bars) carry a black and white frame-number band
// on top; the app draws them on a near-black backdrop (about 20,22,24)
// with gaps between tiles. A pixel belongs to a picture ("colourful") when
// it is clearly brighter than the backdrop or its channels differ by more
// than 60: the scenes keep their dark parts (caption boxes, eyes) small.
func isColourful(img *image.RGBA, x, y int) bool {
	p := img.Pix[img.PixOffset(x, y):]
	r, g, b := int(p[0]), int(p[1]), int(p[2])
	return max(r, g, b)-min(r, g, b) > 60 || (299*r+587*g+114*b)/1000 > 40
}

// gridArea leaves out the sidebar and toolbar of the window.
var gridArea = image.Rect(266, 48, 1600, 1000)

// runs returns the [start, end) spans of indexes whose fraction of
// colourful pixels exceeds thresh, bridging dips of at most bridge
// indexes (a grey column inside a picture), at least minLen long.
func runs(frac []float64, base, minLen int, thresh float64, bridge int) [][2]int {
	var out [][2]int
	start, off := -1, 0
	for i := 0; i <= len(frac); i++ {
		on := i < len(frac) && frac[i] > thresh
		switch {
		case on && start < 0:
			start, off = i, 0
		case on:
			off = 0
		case start >= 0:
			off++
			if off > bridge || i == len(frac) {
				end := i - off + 1
				if end-start >= minLen {
					out = append(out, [2]int{base + start, base + end})
				}
				start = -1
			}
		}
	}
	return out
}

// findTiles finds the picture regions of the grid as the crossings of
// colourful column runs and colourful row runs.
func findTiles(img *image.RGBA) []image.Rectangle {
	a := gridArea.Intersect(img.Bounds())
	// Columns are judged on the rows of each row band and vice versa, so
	// first find row bands over the whole width.
	rowFrac := make([]float64, a.Dy())
	for y := a.Min.Y; y < a.Max.Y; y++ {
		n := 0
		for x := a.Min.X; x < a.Max.X; x++ {
			if isColourful(img, x, y) {
				n++
			}
		}
		rowFrac[y-a.Min.Y] = float64(n) / float64(a.Dx()) * 1.5 // pictures cover about 2/3 of a row
	}
	var out []image.Rectangle
	for _, rr := range runs(rowFrac, a.Min.Y, 60, 0.5, 1) {
		colFrac := make([]float64, a.Dx())
		for x := a.Min.X; x < a.Max.X; x++ {
			n := 0
			for y := rr[0]; y < rr[1]; y++ {
				if isColourful(img, x, y) {
					n++
				}
			}
			colFrac[x-a.Min.X] = float64(n) / float64(rr[1]-rr[0])
		}
		for _, cr := range runs(colFrac, a.Min.X, 100, 0.3, 2) {
			out = append(out, image.Rect(cr[0], rr[0], cr[1], rr[1]))
		}
	}
	return out
}

// colourful is the fraction of colourful pixels in r.
func colourful(img *image.RGBA, r image.Rectangle) float64 {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if isColourful(img, x, y) {
				n++
			}
		}
	}
	return float64(n) / float64(max(1, r.Dx()*r.Dy()))
}

func allColourful(img *image.RGBA, rs []image.Rectangle) bool {
	for _, r := range rs {
		if colourful(img, r) < 0.4 {
			return false
		}
	}
	return true
}

// changed is the fraction of pixels in r that differ between a and b.
func changed(a, b *image.RGBA, r image.Rectangle) float64 {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			pa, pb := a.Pix[a.PixOffset(x, y):], b.Pix[b.PixOffset(x, y):]
			if absDiff(pa[0], pb[0])+absDiff(pa[1], pb[1])+absDiff(pa[2], pb[2]) > 30 {
				n++
			}
		}
	}
	return float64(n) / float64(max(1, r.Dx()*r.Dy()))
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// frameNumber reads the pattern above a picture region: the band is the
// top of the 16:9 picture whose colour bars end at r's bottom, so a few
// candidate tops are tried.
func frameNumber(img *image.RGBA, r image.Rectangle) (uint64, error) {
	h := r.Dx() * 9 / 16
	var err error
	for d := 0; d <= 8; d++ {
		for _, top := range []int{r.Max.Y - h - d, r.Max.Y - h + d} {
			pic := image.Rect(r.Min.X, top, r.Max.X, top+h).Intersect(img.Bounds())
			var n uint64
			if n, err = pattern.Decode(img.SubImage(pic)); err == nil {
				return n, nil
			}
		}
	}
	return 0, err
}
