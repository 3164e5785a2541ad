package ui

import (
	"fmt"
	"image"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkAttention64 measures the attention analysis of 64 live feeds
// as the grid runs it: one op is one second of all 64 streams, each at 5
// fps with a segment per frame (a low-latency Sentinel; 2 s segments
// cost less), every frame offered as a picture (the grid offers each new
// frame; the analysis samples two a second), plus the once-a-second Tick.
// Pictures are the size of an 8x8 grid's tiles (158x88 at 1280x720).
// %core is the share of one core the analysis takes.
func BenchmarkAttention64(b *testing.B) {
	const feeds, fps = 64, 5
	rng := rand.New(rand.NewPCG(1, 2))
	pics := make([]*image.RGBA, 8)
	for i := range pics {
		img := image.NewRGBA(image.Rect(0, 0, 158, 88))
		for k := range img.Pix {
			img.Pix[k] = uint8(rng.IntN(256))
		}
		pics[i] = img
	}
	ids := make([]string, feeds)
	a := NewAttention(DefaultAttentionPrefs)
	t0 := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for i := range ids {
		ids[i] = fmt.Sprintf("cam-%d", i)
		a.SetSentinel(ids[i], StateLive, "webcam", t0)
	}
	frame := time.Second / fps
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		sec := t0.Add(time.Duration(n) * time.Second)
		for f := 0; f < fps; f++ {
			now := sec.Add(time.Duration(f) * frame)
			for i, id := range ids {
				a.Segment(id, SegmentInfo{Time: now, Duration: frame, Size: 20_000 + (i+f)*97, Keyframe: f == 0})
				a.Picture(id, pics[(n+f+i)%len(pics)], now)
			}
		}
		a.Tick(sec.Add(time.Second - time.Millisecond))
	}
	b.StopTimer()
	perSecond := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(100*perSecond/1e9, "%core")
}
