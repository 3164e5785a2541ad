package sentinel

import (
	"fmt"
	"image"
	"image/draw"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// typeface draws text into planes from glyph masks rasterised once, so a
// scene's page of text costs a few thousand small blits per frame rather
// than a font rasteriser.
type typeface struct {
	face   font.Face
	glyphs map[rune]glyph
	ascent int // pixels from the top of a line to the baseline
	height int // line height in pixels
}

// glyph is one rasterised character: its mask, where the mask sits
// relative to the pen on the baseline, and how far the pen moves.
type glyph struct {
	mask    *image.Alpha
	dx, dy  int
	advance int
}

// loadTypeface opens the TrueType font at path at size pixels.
func loadTypeface(path string, size float64) (*typeface, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: font for the test picture: %v (install fonts-dejavu-core)", ErrSource, err)
	}
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%w: font %s: %v", ErrSource, path, err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("%w: font %s: %v", ErrSource, path, err)
	}
	m := face.Metrics()
	return &typeface{face: face, glyphs: map[rune]glyph{}, ascent: m.Ascent.Ceil(), height: m.Height.Ceil()}, nil
}

// glyph returns the cached glyph of r, rasterising it on first use.
func (t *typeface) glyph(r rune) glyph {
	if g, ok := t.glyphs[r]; ok {
		return g
	}
	dr, src, sp, adv, ok := t.face.Glyph(fixed.P(0, 0), r)
	if !ok {
		dr, src, sp, adv, _ = t.face.Glyph(fixed.P(0, 0), '?')
	}
	m := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
	if src != nil {
		draw.Draw(m, m.Bounds(), src, sp, draw.Src)
	}
	g := glyph{mask: m, dx: dr.Min.X, dy: dr.Min.Y, advance: adv.Round()}
	t.glyphs[r] = g
	return g
}

// width is the advance of s in pixels.
func (t *typeface) width(s string) int {
	w := 0
	for _, r := range s {
		w += t.glyph(r).advance
	}
	return w
}

// draw writes s with the top of its line at (x, y) in colour c, stopping
// at pixel column xmax; it returns the pen position after the text.
func (t *typeface) draw(p *planes, s string, x, y, xmax int, c ycc) int {
	base := y + t.ascent
	for _, r := range s {
		g := t.glyph(r)
		if x+g.advance > xmax {
			break
		}
		if r != ' ' {
			p.mask(g.mask, x+g.dx, base+g.dy, c)
		}
		x += g.advance
	}
	return x
}

func (t *typeface) close() {
	if t != nil && t.face != nil {
		t.face.Close()
	}
}
