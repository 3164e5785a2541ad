package sentinel

import (
	"testing"
	"time"

	"proctor/proto"
)

func TestKeyframeRequest(t *testing.T) {
	for _, low := range []bool{false, true} {
		cfg := testConfig()
		cfg.LowLatency = low
		c := newCollector()
		s, err := New(cfg, c)
		if err != nil {
			t.Fatal(err)
		}
		// Frames 0..29; GOP keyframes at 0, 10, 20; requests before 4 and 17.
		runFrames(t, s, 30, func(i int) {
			if i == 4 || i == 17 {
				s.RequestKeyframe()
			}
		})
		s.Close()
		if c.err != nil {
			t.Fatal(c.err)
		}
		var keys []uint64
		for _, sg := range c.segments() {
			info := c.info[sg.Generation]
			m, err := proto.ParseMedia(sg.Payload, &info, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, smp := range m.Samples {
				if smp.Sync {
					keys = append(keys, sg.FirstFrame+uint64(i))
					if i != 0 {
						t.Errorf("low=%v: keyframe %d inside a segment", low, sg.FirstFrame+uint64(i))
					}
				}
			}
		}
		// The request is honoured by the very next frame; the GOP restarts there.
		want := []uint64{0, 4, 14, 17, 27}
		if len(keys) != len(want) {
			t.Fatalf("low=%v: keyframes %v, want %v", low, keys, want)
		}
		for i := range want {
			if keys[i] != want[i] {
				t.Fatalf("low=%v: keyframes %v, want %v", low, keys, want)
			}
		}
	}
}

func TestFPSChange(t *testing.T) {
	cfg := testConfig() // 10 fps, GOP 1 s
	c := newCollector()
	s, err := New(cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runFrames(t, s, 30, func(i int) {
		switch i {
		case 10:
			s.SetFPS(2)
		case 16:
			s.SetFPS(0)
		}
	})
	if c.err != nil {
		t.Fatal(c.err)
	}
	segs := c.segments()
	// 10 frames at 10 fps; frame 10 still at the committed 100 ms, then
	// 2 fps (500 ms) up to frame 16, then 10 fps again.
	var durs []time.Duration
	info := c.info[1]
	for _, sg := range segs {
		m, _ := proto.ParseMedia(sg.Payload, &info, nil)
		for _, smp := range m.Samples {
			durs = append(durs, time.Duration(smp.Duration)*time.Second/time.Duration(info.Timescale))
		}
	}
	if len(durs) != 30 {
		t.Fatalf("%d samples, want 30", len(durs))
	}
	for i, d := range durs {
		want := 100 * time.Millisecond
		if i >= 10 && i < 16 {
			want = 500 * time.Millisecond
		}
		if d != want {
			t.Errorf("frame %d lasts %v, want %v", i, d, want)
		}
	}
	// A 2 s GOP at 2 fps is 2 frames: the GOP stays a time, not a count.
	for _, sg := range segs {
		if sg.Duration > time.Second+time.Millisecond {
			t.Errorf("segment at frame %d lasts %v, over the 1 s GOP", sg.FirstFrame, sg.Duration)
		}
	}
	if st := s.Stats(); st.FPS != 10 {
		t.Errorf("fps after restore %v, want 10", st.FPS)
	}
}

func TestSizeChangeStartsGeneration(t *testing.T) {
	needTool(t, "ffprobe")
	c := newCollector()
	s, err := New(testConfig(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runFrames(t, s, 20, func(i int) {
		if i == 7 {
			if err := s.SetSize(160, 120); err != nil {
				t.Fatal(err)
			}
		}
	})
	if c.err != nil {
		t.Fatal(c.err)
	}
	if len(c.inits) != 2 || c.info[2].Width != 160 || c.info[2].Height != 120 {
		t.Fatalf("generations %d, second %dx%d; want 2, 160x120", len(c.inits), c.info[2].Width, c.info[2].Height)
	}
	segs := c.segments()
	for _, sg := range segs {
		if sg.Generation == 2 && sg.FirstFrame == 7 && !sg.Keyframe {
			t.Fatal("first segment of generation 2 does not start with a keyframe")
		}
	}
	if got := ffprobe(t, c.file(t, 1)); got != "h264,320,240,7" {
		t.Fatalf("generation 1: %s", got)
	}
	if got := ffprobe(t, c.file(t, 2)); got != "h264,160,120,13" {
		t.Fatalf("generation 2: %s", got)
	}
	nums := decodeNumbers(t, c.file(t, 2), 160, 120)
	if len(nums) != 13 || nums[0] != 7 || nums[12] != 19 {
		t.Fatalf("generation 2 frame numbers %v, want 7..19", nums)
	}
}
