// Package pattern writes and reads the frame-number pattern of the test
// source: a row of Bits black and white blocks along the top edge of the
// picture, most significant bit first, white for a set bit.
//
// The layout is defined in fractions of the picture, so the pattern reads
// back from a picture scaled to any size that leaves each block a few
// pixels wide (for 24 blocks, pictures down to about 100 pixels wide).
// The package is pure Go so that player and UI tests can decode frame
// numbers from what they show without linking FFmpeg.
package pattern

import (
	"errors"
	"fmt"
	"image"
)

// Bits is the number of blocks, so frame numbers count modulo 1<<Bits.
const Bits = 24

// bandDiv sets the band height: the picture height over bandDiv.
const bandDiv = 30

// Luma levels written for the two states (limited range, BT.601).
const (
	Black = 16
	White = 235
)

// ErrNoPattern means the picture does not carry a readable pattern: a block
// is neither clearly black nor clearly white, or the picture is too small.
var ErrNoPattern = errors.New("no frame-number pattern")

// Band returns the height in pixels of the pattern band of a picture of
// height h, rounded up to an even number so chroma rows align.
func Band(h int) int {
	b := (h + bandDiv - 1) / bandDiv
	if b < 2 {
		b = 2
	}
	return (b + 1) &^ 1
}

// Cell returns the horizontal pixel span [x0, x1) of block i in a picture
// of width w. Edges are even so chroma columns align.
func Cell(i, w int) (x0, x1 int) {
	return (i * w / Bits) &^ 1, ((i + 1) * w / Bits) &^ 1
}

// WriteY draws the pattern for frame number n into an 8-bit luma plane of
// size w x h (stride bytes per row), and the neutral chroma value into the
// optional 4:2:0 chroma planes u and v (cstride bytes per row), so the band
// is pure black and white.
func WriteY(y []byte, stride, w, h int, u, v []byte, cstride int, n uint64) {
	band := Band(h)
	if band > h {
		band = h
	}
	for i := 0; i < Bits; i++ {
		x0, x1 := Cell(i, w)
		val := byte(Black)
		if n>>(Bits-1-i)&1 == 1 {
			val = White
		}
		for row := 0; row < band; row++ {
			line := y[row*stride+x0 : row*stride+x1]
			for j := range line {
				line[j] = val
			}
		}
	}
	for _, c := range [][]byte{u, v} {
		if c == nil {
			continue
		}
		for row := 0; row < band/2; row++ {
			line := c[row*cstride : row*cstride+(w+1)/2]
			for j := range line {
				line[j] = 128
			}
		}
	}
}

// DecodeY reads the frame number from an 8-bit luma plane.
func DecodeY(y []byte, stride, w, h int) (uint64, error) {
	if w < Bits*2 || h < 2 || stride < w || len(y) < (h-1)*stride+w {
		return 0, fmt.Errorf("%w: plane %dx%d stride %d len %d", ErrNoPattern, w, h, stride, len(y))
	}
	return decode(w, h, func(x, row int) int { return int(y[row*stride+x]) })
}

// Decode reads the frame number from a picture, for example an RGBA frame
// as a player shows it.
func Decode(img image.Image) (uint64, error) {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	if w < Bits*2 || h < 2 {
		return 0, fmt.Errorf("%w: picture %dx%d too small", ErrNoPattern, w, h)
	}
	if rgba, ok := img.(*image.RGBA); ok {
		return decode(w, h, func(x, row int) int {
			p := rgba.Pix[(row)*rgba.Stride+x*4:]
			return luma(int(p[0]), int(p[1]), int(p[2]))
		})
	}
	return decode(w, h, func(x, row int) int {
		cr, cg, cb, _ := img.At(r.Min.X+x, r.Min.Y+row).RGBA()
		return luma(int(cr>>8), int(cg>>8), int(cb>>8))
	})
}

func luma(r, g, b int) int { return (299*r + 587*g + 114*b) / 1000 }

// decode samples the middle half of each block on the middle rows of the
// band, scaled to a picture of w x h, and thresholds the mean.
func decode(w, h int, at func(x, row int) int) (uint64, error) {
	// The band is 1/bandDiv of the height; sample its inner rows only.
	band := h / bandDiv
	r0, r1 := band/4, band-band/4
	if r1 <= r0 {
		r0, r1 = 0, 1
	}
	var n uint64
	for i := 0; i < Bits; i++ {
		x0, x1 := i*w/Bits, (i+1)*w/Bits
		q := (x1 - x0) / 4
		x0, x1 = x0+q, x1-q
		if x1 <= x0 {
			x1 = x0 + 1
		}
		sum, cnt := 0, 0
		for row := r0; row < r1; row++ {
			for x := x0; x < x1; x++ {
				sum += at(x, row)
				cnt++
			}
		}
		mean := sum / cnt
		switch {
		case mean >= 170:
			n |= 1 << (Bits - 1 - i)
		case mean <= 80:
		default:
			return 0, fmt.Errorf("%w: block %d has mean luma %d", ErrNoPattern, i, mean)
		}
	}
	return n, nil
}
