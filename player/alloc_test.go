package player

import (
	"testing"

	"proctor/proto"
)

// TestDecodePathAllocatesNothing checks the player's own per-frame work in
// steady state: send a sample, receive the picture, scale it into a pooled
// image. (proto.ParseMedia, once per segment, allocates inside go-mp4.)
func TestDecodePathAllocatesNothing(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 40, 0)
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
	if dec.fast.cc == nil {
		t.Fatal("the C fast path did not bind to the go-astiav codec context")
	}
	var samples []proto.Sample
	var all []proto.Sample
	var data [][]byte
	for _, seg := range c.segs {
		mi, err := proto.ParseMedia(seg, &info, samples)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range mi.Samples {
			all = append(all, s)
			data = append(data, seg[s.Offset:s.Offset+s.Size])
		}
	}
	pool := newImagePool()
	var keep [3]*Frame
	i, n := 0, 0
	frame := func() {
		s := all[i%len(all)]
		if i%len(all) == 0 && i > 0 {
			dec.reset() // loop the clip from its first keyframe
		}
		if err := dec.send(data[i%len(all)], int64(i), int64(i), s.Sync); err != nil {
			t.Fatal(err)
		}
		i++
		for {
			ok, err := dec.receive()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				return
			}
			f := pool.get(Size{160, 120})
			if err := dec.scale(dec.out, f.Image); err != nil {
				t.Fatal(err)
			}
			pool.put(keep[n%3])
			keep[n%3] = f
			n++
		}
	}
	for range 15 { // warm up pools and the swscale context
		frame()
	}
	if a := testing.AllocsPerRun(20, frame); a != 0 {
		t.Fatalf("%.1f allocations per frame, want 0", a)
	}
}
