package pattern

import (
	"errors"
	"image"
	"testing"
)

func plane(w, h int, n uint64) []byte {
	y := make([]byte, w*h)
	for i := range y {
		y[i] = byte(i * 7) // busy background
	}
	u := make([]byte, (w/2)*(h/2))
	v := make([]byte, (w/2)*(h/2))
	WriteY(y, w, w, h, u, v, w/2, n)
	return y
}

// toRGBA converts a luma plane to a gray RGBA picture scaled to dw x dh
// with nearest-neighbour sampling, as a crude stand-in for a player.
func toRGBA(y []byte, w, h, dw, dh int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for row := 0; row < dh; row++ {
		for x := 0; x < dw; x++ {
			l := y[(row*h/dh)*w+x*w/dw]
			p := img.Pix[row*img.Stride+x*4:]
			p[0], p[1], p[2], p[3] = l, l, l, 255
		}
	}
	return img
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name   string
		w, h   int
		dw, dh int
		n      uint64
	}{
		{"360p zero", 640, 360, 640, 360, 0},
		{"360p odd", 640, 360, 640, 360, 0xA5A5A5},
		{"240p max", 320, 240, 320, 240, 1<<Bits - 1},
		{"720p to tile", 1280, 720, 160, 90, 123456},
		{"720p to 1080p", 1280, 720, 1920, 1080, 777},
		{"odd size", 322, 182, 200, 113, 42},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			y := plane(c.w, c.h, c.n)
			got, err := DecodeY(y, c.w, c.w, c.h)
			if err != nil || got != c.n {
				t.Fatalf("DecodeY = %d, %v; want %d", got, err, c.n)
			}
			got, err = Decode(toRGBA(y, c.w, c.h, c.dw, c.dh))
			if err != nil || got != c.n {
				t.Fatalf("Decode scaled = %d, %v; want %d", got, err, c.n)
			}
			gray := image.NewGray(image.Rect(0, 0, c.w, c.h))
			copy(gray.Pix, y)
			got, err = Decode(gray)
			if err != nil || got != c.n {
				t.Fatalf("Decode gray = %d, %v; want %d", got, err, c.n)
			}
		})
	}
}

func TestNoPattern(t *testing.T) {
	y := make([]byte, 320*240)
	for i := range y {
		y[i] = 128
	}
	if _, err := DecodeY(y, 320, 320, 240); !errors.Is(err, ErrNoPattern) {
		t.Fatalf("gray picture: err = %v, want ErrNoPattern", err)
	}
	if _, err := DecodeY(y[:10], 320, 320, 240); !errors.Is(err, ErrNoPattern) {
		t.Fatalf("short plane: err = %v, want ErrNoPattern", err)
	}
	if _, err := Decode(image.NewRGBA(image.Rect(0, 0, 10, 10))); !errors.Is(err, ErrNoPattern) {
		t.Fatalf("tiny picture: err = %v, want ErrNoPattern", err)
	}
}

func FuzzDecodeY(f *testing.F) {
	f.Add(plane(64, 32, 5), 64, 64, 32)
	f.Add([]byte{1, 2, 3}, 1, 1, 3)
	f.Fuzz(func(t *testing.T, y []byte, stride, w, h int) {
		if w > 4096 || h > 4096 || stride > 1<<14 || w < 0 || h < 0 || stride < 0 {
			return
		}
		DecodeY(y, stride, w, h) // must not panic
	})
}
