package sentinel

import "image"

// planes is a yuv420p picture seen as Go slices, so the scenes draw
// straight into the frame the encoder gets: a few rectangles, ellipses and
// glyph masks per frame cost far less than a per-pixel filter such as geq.
type planes struct {
	y, u, v []byte
	ys, cs  int // luma and chroma bytes per row
	w, h    int
}

// ycc is a colour in limited-range BT.601 Y'CbCr, as the encoder takes it.
type ycc struct{ y, u, v byte }

// rgb converts an sRGB colour to ycc.
func rgb(r, g, b int) ycc {
	y := (66*r+129*g+25*b+128)>>8 + 16
	u := (-38*r-74*g+112*b+128)>>8 + 128
	v := (112*r-94*g-18*b+128)>>8 + 128
	return ycc{clamp8(y), clamp8(u), clamp8(v)}
}

func clamp8(x int) byte { return byte(min(255, max(0, x))) }

// shade returns c with its luma moved by d, for cheap lighting.
func (c ycc) shade(d int) ycc { return ycc{clamp8(int(c.y) + d), c.u, c.v} }

// fill paints the rectangle [x0,x1) x [y0,y1), clipped to the picture.
// Chroma covers every 2x2 block the rectangle touches.
func (p *planes) fill(x0, y0, x1, y1 int, c ycc) {
	x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, p.w), min(y1, p.h)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	for row := y0; row < y1; row++ {
		line := p.y[row*p.ys+x0 : row*p.ys+x1]
		for i := range line {
			line[i] = c.y
		}
	}
	cx0, cx1 := x0/2, (x1+1)/2
	for row := y0 / 2; row < (y1+1)/2; row++ {
		u, v := p.u[row*p.cs+cx0:row*p.cs+cx1], p.v[row*p.cs+cx0:row*p.cs+cx1]
		for i := range u {
			u[i], v[i] = c.u, c.v
		}
	}
}

// ellipse paints the ellipse centred on (cx, cy) with radii rx, ry.
func (p *planes) ellipse(cx, cy, rx, ry int, c ycc) { p.ellipseRows(cx, cy, rx, ry, -ry, ry, c) }

// ellipseRows paints the rows cy+r0 .. cy+r1 of an ellipse: a head's hair
// is its top rows, shoulders the top half of a wide one.
func (p *planes) ellipseRows(cx, cy, rx, ry, r0, r1 int, c ycc) {
	if rx <= 0 || ry <= 0 {
		return
	}
	for dy := max(r0, -ry); dy <= min(r1, ry); dy++ {
		// Half width of the row: rx * sqrt(1 - dy²/ry²), rounded, in
		// integers (truncating left a one-pixel spike on the middle row).
		q := ry*ry - dy*dy
		hw := (rx*isqrt(q*1024) + ry*16) / (ry * 32)
		p.fill(cx-hw, cy+dy, cx+hw+1, cy+dy+1, c)
	}
}

// isqrt is the integer square root of a non-negative n.
func isqrt(n int) int {
	if n <= 0 {
		return 0
	}
	x := n
	y := (x + 1) / 2
	for y < x {
		x = y
		y = (x + n/x) / 2
	}
	return x
}

// mask blends colour c over the picture through the alpha mask m placed
// with its origin at (x, y): text. Chroma takes the colour where the mask
// covers at least half of a 2x2 block's top-left sample.
func (p *planes) mask(m *image.Alpha, x, y int, c ycc) {
	b := m.Bounds()
	for my := b.Min.Y; my < b.Max.Y; my++ {
		py := y + my - b.Min.Y
		if py < 0 || py >= p.h {
			continue
		}
		src := m.Pix[(my-b.Min.Y)*m.Stride:]
		for mx := 0; mx < b.Dx(); mx++ {
			a := int(src[mx])
			px := x + mx
			if a == 0 || px < 0 || px >= p.w {
				continue
			}
			o := py*p.ys + px
			p.y[o] = byte((int(p.y[o])*(255-a) + int(c.y)*a) / 255)
			if a >= 128 && px&1 == 0 && py&1 == 0 {
				co := py/2*p.cs + px/2
				p.u[co], p.v[co] = c.u, c.v
			}
		}
	}
}

// copyFrom copies a same-sized picture (the scene's pre-drawn background).
func (p *planes) copyFrom(q *planes) {
	for row := 0; row < p.h; row++ {
		copy(p.y[row*p.ys:row*p.ys+p.w], q.y[row*q.ys:row*q.ys+q.w])
	}
	cw := (p.w + 1) / 2
	for row := 0; row < (p.h+1)/2; row++ {
		copy(p.u[row*p.cs:row*p.cs+cw], q.u[row*q.cs:row*q.cs+cw])
		copy(p.v[row*p.cs:row*p.cs+cw], q.v[row*q.cs:row*q.cs+cw])
	}
}

// newPlanes allocates a tightly packed picture of w x h.
func newPlanes(w, h int) *planes {
	cw, ch := (w+1)/2, (h+1)/2
	return &planes{y: make([]byte, w*h), u: make([]byte, cw*ch), v: make([]byte, cw*ch), ys: w, cs: cw, w: w, h: h}
}

// splitmix is a stateless hash of (seed, k): the scenes' deterministic
// randomness, so a scene at time t is the same on every run with a seed.
func splitmix(seed, k uint64) uint64 {
	z := seed + k*0x9e3779b97f4a7c15 + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// unit is splitmix scaled to [0, 1).
func unit(seed, k uint64) float64 { return float64(splitmix(seed, k)>>11) / (1 << 53) }
