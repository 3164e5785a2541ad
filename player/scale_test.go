package player

import (
	"fmt"
	"image"
	"testing"

	"proctor/proto"
)

// TestScalePathsAgree checks the scaling paths the player uses (libyuv's
// box filter and conversion; without libyuv, box halving, a resize in
// 4:2:0 and swscale's unscaled conversion) on a colourful picture against
// swscale's bicubic one-pass scaling (a proper low-pass): they are opaque,
// close, and at least as close as the one-pass fast bilinear path they
// replaced, at sizes that halve exactly, halve then resize, only resize,
// are odd, only convert and grow.
func TestScalePathsAgree(t *testing.T) {
	_, c := benchClip(t, 640, 360, 10, 10, 1)
	info, err := proto.ParseInit(c.init)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := newDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.close()
	if err := dec.open(info.AVCC); err != nil {
		t.Fatal(err)
	}
	mi, err := proto.ParseMedia(c.segs[0], &info, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := mi.Samples[0]
	if err := dec.send(c.segs[0][s.Offset:s.Offset+s.Size], 0, 0, true); err != nil {
		t.Fatal(err)
	}
	dec.drain()
	if ok, err := dec.receive(); !ok || err != nil {
		t.Fatalf("no picture: %v", err)
	}
	for _, sz := range []Size{{320, 180}, {160, 90}, {240, 136}, {301, 167}, {302, 168}, {640, 360}, {800, 450}} {
		t.Run(fmt.Sprintf("%dx%d", sz.Width, sz.Height), func(t *testing.T) {
			pool := newImagePool()
			ref, old := pool.get(sz).Image, pool.get(sz).Image
			paths := []int{pathHalve}
			if haveLibyuv {
				paths = append(paths, pathLibyuv)
			}
			got := make([]*image.RGBA, len(paths))
			for i := range got {
				got[i] = pool.get(sz).Image
			}
			scale := func(img *image.RGBA, flags, path int) {
				dec.fast.setScaler(flags, path)
				if err := dec.scale(dec.out, img); err != nil {
					t.Fatal(err)
				}
			}
			scale(ref, swsBicubic, pathOnePass)
			scale(old, swsFastBilinear, pathOnePass)
			for i, path := range paths {
				scale(got[i], swsFastBilinear, path)
			}
			dec.fast.setScaler(swsFastBilinear, defaultPath)
			dOld := meanDiff(old, ref)
			for i, img := range got {
				for j := 3; j < len(img.Pix); j += 4 {
					if img.Pix[j] != 255 {
						t.Fatalf("path %d: alpha %d at byte %d", paths[i], img.Pix[j], j)
					}
				}
				dNew := meanDiff(img, ref)
				t.Logf("path %d: mean difference from bicubic: %.2f (one-pass fast bilinear: %.2f)", paths[i], dNew, dOld)
				// At the same size only the conversions differ: libyuv
				// rounds its coefficients more coarsely than swscale.
				if dNew > 8 || dNew > dOld+0.5 && dNew > 1 {
					t.Fatalf("path %d: mean difference from bicubic %.2f, one-pass fast bilinear %.2f", paths[i], dNew, dOld)
				}
			}
		})
	}
}

// meanDiff is the mean absolute difference of the colour channels.
func meanDiff(a, b *image.RGBA) float64 {
	sum := 0
	for i := range a.Pix {
		if i%4 == 3 {
			continue
		}
		d := int(a.Pix[i]) - int(b.Pix[i])
		sum += max(d, -d)
	}
	return float64(sum) / float64(len(a.Pix)*3/4)
}
