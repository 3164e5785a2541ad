package player

import (
	"fmt"
	"image"
	"testing"

	"proctor/proto"
)

// TestScalePathsAgree checks the default scaling path (box halving, resize
// in 4:2:0, unscaled conversion) on a colourful picture against swscale's
// bicubic one-pass scaling (a proper low-pass): it is opaque, close, and
// at least as close as the one-pass fast bilinear path it replaced, at
// sizes that halve exactly, halve then resize, only resize and only
// convert.
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
			ref, old, got := pool.get(sz).Image, pool.get(sz).Image, pool.get(sz).Image
			for _, o := range []struct {
				img         *image.RGBA
				flags, path int
			}{{ref, swsBicubic, pathOnePass}, {old, swsFastBilinear, pathOnePass}, {got, swsFastBilinear, pathHalve}} {
				dec.fast.setScaler(o.flags, o.path)
				if err := dec.scale(dec.out, o.img); err != nil {
					t.Fatal(err)
				}
			}
			dec.fast.setScaler(swsFastBilinear, pathHalve)
			for i := 3; i < len(got.Pix); i += 4 {
				if got.Pix[i] != 255 {
					t.Fatalf("alpha %d at byte %d", got.Pix[i], i)
				}
			}
			dNew, dOld := meanDiff(got, ref), meanDiff(old, ref)
			t.Logf("mean difference from bicubic: %.2f (one-pass fast bilinear: %.2f)", dNew, dOld)
			if dNew > 8 || dNew > dOld+0.5 {
				t.Fatalf("mean difference from bicubic %.2f, one-pass fast bilinear %.2f", dNew, dOld)
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
