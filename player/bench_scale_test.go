package player

import (
	"fmt"
	"testing"

	"proctor/proto"
)

// BenchmarkScale measures swscale alone: one decoded picture converted to
// RGBA at the output size again and again, by algorithm and by path
// ("one-pass": straight to RGBA at the output size; "two-pass": resize
// in 4:2:0, then the unscaled YUV->RGBA converter; "halve", the default:
// 2x2 box halving while the picture is at least twice the output size,
// then two-pass; "libyuv", the default when built with it: its box
// filter in 4:2:0 and its conversion). One op is one picture.
func BenchmarkScale(b *testing.B) {
	for _, tc := range []struct {
		w, h, outW, outH int
	}{
		{640, 360, 320, 180},
		{1280, 720, 480, 270},
		{1280, 720, 640, 360},
		{1280, 720, 1280, 720},
	} {
		_, c := benchClip(b, tc.w, tc.h, 30, 30, 2)
		info, err := proto.ParseInit(c.init)
		if err != nil {
			b.Fatal(err)
		}
		dec, err := newDecoder()
		if err != nil {
			b.Fatal(err)
		}
		if err := dec.open(info.AVCC); err != nil {
			b.Fatal(err)
		}
		mi, err := proto.ParseMedia(c.segs[0], &info, nil)
		if err != nil {
			b.Fatal(err)
		}
		s := mi.Samples[0]
		if err := dec.send(c.segs[0][s.Offset:s.Offset+s.Size], 0, 0, true); err != nil {
			b.Fatal(err)
		}
		dec.drain()
		if ok, err := dec.receive(); !ok || err != nil {
			b.Fatalf("no picture: %v", err)
		}
		img := newImagePool().get(Size{tc.outW, tc.outH}).Image
		if haveLibyuv {
			b.Run(fmt.Sprintf("%dp-to-%dx%d/libyuv", tc.h, tc.outW, tc.outH), func(b *testing.B) {
				dec.fast.setScaler(swsFastBilinear, pathLibyuv)
				b.ReportAllocs()
				for b.Loop() {
					if err := dec.scale(dec.out, img); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		for _, alg := range []struct {
			name  string
			flags int
		}{{"fast-bilinear", swsFastBilinear}, {"bilinear", swsBilinear}, {"bicubic", swsBicubic}} {
			for _, path := range []struct {
				name string
				id   int
			}{{"one-pass", pathOnePass}, {"two-pass", pathTwoPass}, {"halve", pathHalve}} {
				if tc.w == tc.outW && tc.h == tc.outH && (alg.flags != swsFastBilinear || path.id != pathHalve) {
					continue // a conversion at the same size: one path
				}
				name := fmt.Sprintf("%dp-to-%dx%d/%s/%s", tc.h, tc.outW, tc.outH, alg.name, path.name)
				b.Run(name, func(b *testing.B) {
					dec.fast.setScaler(alg.flags, path.id)
					b.ReportAllocs()
					for b.Loop() {
						if err := dec.scale(dec.out, img); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
		dec.close()
	}
}
