package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"proctor/proto"
)

// eightHours is an 8-hour recording of one Sentinel in 2 s segments
// (14,400), sizes varying as a webcam's do, with a burst now and then.
func eightHours() []proto.Segment {
	segs := make([]proto.Segment, 14_400)
	for i := range segs {
		size := int64(60_000 + (i*7919)%20_000)
		if i%300 < 15 {
			size *= 4
		}
		segs[i] = proto.Segment{Sequence: uint64(i), Start: at(2 * i), DurationUS: 2e6, Size: size, Keyframe: true}
	}
	return segs
}

// BenchmarkTimeline8Hours lays out and draws (the software painter of
// Fyne's test driver) a 1280-unit timeline with the activity strip of an
// 8-hour session, the window changing every time (zoom in, zoom out) so
// the strip's levels are recomputed: the cost of a zoom or a scroll.
func BenchmarkTimeline8Hours(b *testing.B) {
	test.NewTempApp(b)
	segs := eightHours()
	tl := NewTimeline(at(0), at(8*3600))
	tl.SetRanges(RangesOf(segs))
	tl.SetActivity([]*Activity{NewActivity("cam", segs)})
	tl.SetMarkers([]proto.Marker{{Time: at(3600), Label: "Phone"}, {Time: at(5 * 3600), Label: "Talking"}})
	w := test.NewWindow(tl)
	defer w.Close()
	w.Resize(fyne.NewSize(1280, tl.MinSize().Height))
	tl.SetTime(at(4 * 3600))
	b.Run("layout", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if i%2 == 0 {
				tl.ZoomIn()
			} else {
				tl.ZoomOut()
			}
		}
	})
	b.Run("layout+draw", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if i%2 == 0 {
				tl.ZoomIn()
			} else {
				tl.ZoomOut()
			}
			w.Canvas().Capture()
		}
	})
	b.Run("new-activity", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			NewActivity("cam", segs)
		}
	})
	b.Run("handle-move", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			tl.SetTime(at(4*3600 + i%1000))
		}
	})
}
