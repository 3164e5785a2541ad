package player

import (
	"testing"
	"time"
)

// TestReplayShowsTheKeyframeAndPlaysOn: Replay from live shows the
// keyframe at or before the target first and plays on from it, from the
// memory of the live feed ("watched") and from the Archive when the feed
// has only sent its latest GOP ("just opened"); GoLive returns to the
// leading edge.
func TestReplayShowsTheKeyframeAndPlaysOn(t *testing.T) {
	for _, tc := range []struct {
		name string
		from int // first segment the live feed sent
	}{{"watched", 0}, {"just-opened", 6}} {
		t.Run(tc.name, func(t *testing.T) {
			c := makeClip(t, 320, 240, 10, 10, 0, 70, 0)
			clk := newManualClock(frameTime(60, 10))
			feed := make(chanFeed, 16)
			feed.init(1, c.init)
			for i := tc.from; i < len(c.segs); i++ {
				feed.media(c.hdrs[i], c.segs[i])
			}
			p := startPlayer(t, feed, newMemArchive(c), Options{Clock: clk, Size: Size{160, 120}})
			if n := frameNumber(takeNext(t, p, clk).Image); n < 60 {
				t.Fatalf("live shows frame %d, want the last GOP", n)
			}
			p.Replay(frameTime(37, 10).Add(20 * time.Millisecond))
			var got []int
			for len(got) < 5 {
				got = append(got, frameNumber(takeNext(t, p, clk).Image))
			}
			wantNumbers(t, got, seq(30, 34))
			if st := p.State(); st.Mode != ModePlaying {
				t.Errorf("mode %v after Replay, want playing", st.Mode)
			}
			if err := p.GoLive(); err != nil {
				t.Fatal(err)
			}
			if n := frameNumber(takeNext(t, p, clk).Image); n < 60 {
				t.Errorf("GoLive shows frame %d", n)
			}
		})
	}
}
