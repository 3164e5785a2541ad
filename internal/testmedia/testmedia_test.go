package testmedia

import (
	"bytes"
	"testing"
	"time"
)

func TestEncodeSplitCount(t *testing.T) {
	o := Options{Size: "160x120", GOP: 5, Seconds: 1, Movflags: "frag_every_frame"}
	b := Encode(t, o)
	if again := Encode(t, o); &again[0] != &b[0] {
		t.Error("identical options encoded twice")
	}
	c := Split(t, b)
	if c.Info.Width != 160 || c.Info.Height != 120 || len(c.Segments) != 10 {
		t.Fatalf("%dx%d, %d segments; want 160x120, 10", c.Info.Width, c.Info.Height, len(c.Segments))
	}
	var all bytes.Buffer
	all.Write(c.Init)
	for i, s := range c.Segments {
		if s.Keyframe != (i%5 == 0) || s.Samples != 1 || s.Duration != 100*time.Millisecond || s.Start != time.Duration(i)*100*time.Millisecond {
			t.Errorf("segment %d: %+v", i, s)
		}
		all.Write(s.Payload)
	}
	if n := CountFrames(t, all.Bytes()); n != 10 {
		t.Fatalf("ffprobe counted %d frames, want 10", n)
	}
}
