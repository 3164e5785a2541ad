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
