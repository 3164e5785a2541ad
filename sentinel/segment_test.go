package sentinel

import (
	"fmt"
	"testing"
	"time"
)

func testConfig() Config {
	return Config{Name: "cam-1", Source: SourceTest, Width: 320, Height: 240, FPS: 10, GOP: time.Second}
}

func TestTestSourceSegments(t *testing.T) {
	needTool(t, "ffprobe")
	for _, low := range []bool{false, true} {
		t.Run(fmt.Sprintf("lowlatency=%v", low), func(t *testing.T) {
			cfg := testConfig()
			cfg.LowLatency = low
			c := newCollector()
			s, err := New(cfg, c)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			runFrames(t, s, 35, nil)
			if c.err != nil {
				t.Fatal(c.err)
			}
			segs := c.segments()
			wantSegs := 4 // 10+10+10+5 frames
			if low {
				wantSegs = 35
			}
			if len(segs) != wantSegs {
				t.Fatalf("%d segments, want %d", len(segs), wantSegs)
			}
			var frames uint64
			for i, sg := range segs {
				if sg.FirstFrame != frames {
					t.Errorf("segment %d first frame %d, want %d", i, sg.FirstFrame, frames)
				}
				frames += uint64(sg.Frames)
				wantKey := !low || sg.FirstFrame%10 == 0
				if sg.Keyframe != wantKey {
					t.Errorf("segment %d (frame %d) keyframe %v, want %v", i, sg.FirstFrame, sg.Keyframe, wantKey)
				}
				if want := time.Duration(sg.Frames) * 100 * time.Millisecond; sg.Duration != want {
					t.Errorf("segment %d duration %v, want %v", i, sg.Duration, want)
				}
				if i > 0 && sg.Time != segs[i-1].Time.Add(segs[i-1].Duration) {
					t.Errorf("segment %d time %v does not follow the previous end", i, sg.Time)
				}
			}
			p := c.file(t, 1)
			if got, want := ffprobe(t, p), "h264,320,240,35"; got != want {
				t.Fatalf("ffprobe: %q, want %q", got, want)
			}
			nums := decodeNumbers(t, p, 320, 240)
			if len(nums) != 35 {
				t.Fatalf("decoded %d frames, want 35", len(nums))
			}
			for i, n := range nums {
				if n != uint64(i) {
					t.Fatalf("frame %d shows number %d", i, n)
				}
			}
			var payloads [][]byte
			for _, sg := range segs {
				payloads = append(payloads, sg.Payload)
			}
			nums, err = decodeSegments(c.inits[1], payloads)
			if err != nil || len(nums) != 35 {
				t.Fatalf("go-astiav decode: %d pictures, %v", len(nums), err)
			}
			for i, n := range nums {
				if n != uint64(i) {
					t.Fatalf("go-astiav: picture %d shows number %d", i, n)
				}
			}
		})
	}
}
