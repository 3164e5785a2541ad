package ui

import (
	"math"
	"testing"
	"time"

	"proctor/proto"
)

// activitySegments is a 10-minute recording in 2 s segments (keyframe
// first) of steady size base, 4x louder from 4:00 to 5:00, nothing from
// 6:00 to 7:00, and a new encoder generation from 8:00.
func activitySegments(base int64) []proto.Segment {
	var out []proto.Segment
	for s := 0; s < 600; s += 2 {
		if s >= 360 && s < 420 {
			continue
		}
		g := proto.Segment{Sequence: uint64(len(out)), Start: at(s), DurationUS: 2e6, Size: base, Keyframe: true}
		if s >= 240 && s < 300 {
			g.Size = 4 * base
		}
		if s >= 480 {
			g.Generation = 1
		}
		out = append(out, g)
	}
	return out
}

func TestActivityLevelsShowBytesPerSecond(t *testing.T) {
	a := NewActivity("s1", activitySegments(50_000))
	lv := a.Levels(at(0), at(600), 60, nil) // 10 s bins
	for b, v := range lv {
		s := b * 10
		var want float32
		switch {
		case s >= 240 && s < 300:
			want = 1 // the loud minute saturates
		case s >= 360 && s < 420:
			want = 0 // the gap
		default:
			want = 0.25
		}
		if math.Abs(float64(v-want)) > 0.01 {
			t.Errorf("bin %d (%d s): %.3f, want %.2f", b, s, v, want)
		}
	}
	// A bin cutting a segment in two takes its share of the bytes.
	lv = a.Levels(at(1), at(3), 2, lv)
	if math.Abs(float64(lv[0]-lv[1])) > 0.01 || math.Abs(float64(lv[0]-0.25)) > 0.01 {
		t.Errorf("split segment levels %v", lv)
	}
	if a.Loud() != 0.5 {
		t.Errorf("loud from %v, want twice the median: 0.5", a.Loud())
	}
	// A steady recording draws at a third of the strip, nothing loud.
	steady := NewActivity("s2", activitySegments(50_000)[:100])
	if lv := steady.Levels(at(0), at(200), 4, nil); math.Abs(float64(lv[1])-1.0/3) > 0.01 || lv[1] >= steady.Loud() {
		t.Errorf("steady levels %v, loud from %v", lv, steady.Loud())
	}
	if got := a.Breaks(); len(got) != 1 || !got[0].Equal(at(480)) {
		t.Errorf("breaks %v, want 8:00", got)
	}
	if lv := a.Levels(at(0), at(0), 10, nil); len(lv) != 10 || lv[0] != 0 {
		t.Errorf("empty window %v", lv)
	}
}

func TestActivityKeyframeAt(t *testing.T) {
	segs := activitySegments(1000)
	for i := range segs {
		segs[i].Keyframe = segs[i].Start.Sub(t0)%(10*time.Second) == 0
	}
	a := NewActivity("s1", segs)
	cases := []struct {
		at, want int
	}{{0, 0}, {9, 0}, {10, 10}, {375, 350}, {-5, 0}, {9999, 590}}
	for _, tc := range cases {
		g, ok := a.KeyframeAt(at(tc.at))
		if !ok || !g.Start.Equal(at(tc.want)) || !g.Keyframe {
			t.Errorf("keyframe at %d s: %v %v, want %d s", tc.at, g.Start.Sub(t0), ok, tc.want)
		}
	}
	if _, ok := NewActivity("s2", nil).KeyframeAt(at(5)); ok {
		t.Error("a keyframe in an empty recording")
	}
}

// A low-latency Sentinel sends a segment per frame: the keyframe's is ten
// times the others'. Zoomed in to bins shorter than a GOP, the strip must
// not show every keyframe as a burst: rates are taken over whole GOPs.
func TestActivityLowLatencyKeyframesAreNoBurst(t *testing.T) {
	var segs []proto.Segment
	for i := 0; i < 600; i++ { // 2 minutes at 5 fps, a keyframe a second
		g := proto.Segment{Sequence: uint64(i), Start: t0.Add(time.Duration(i) * 200 * time.Millisecond), DurationUS: 200_000, Size: 2_000}
		if i%5 == 0 {
			g.Keyframe, g.Size = true, 20_000
		}
		if i >= 300 && i < 350 { // ten seconds of motion: three times the bytes
			g.Size *= 3
		}
		segs = append(segs, g)
	}
	a := NewActivity("cam", segs)
	lv := a.Levels(at(0), at(120), 1200, nil) // 100 ms bins
	for b, v := range lv {
		if (b >= 590 && b < 610) || (b >= 690 && b < 710) {
			continue // within a GOP of the change: smoothed
		}
		motion := b >= 600 && b < 700
		if loud := v >= a.Loud(); loud != motion {
			t.Fatalf("bin %d (%.1f s): level %.2f, loud from %.2f", b, float64(b)/10, v, a.Loud())
		}
	}
}
