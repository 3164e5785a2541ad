package player

import (
	"testing"
	"time"
)

// TestSeekForwardWithinTheGOPContinues: a paused player that has decoded
// a few frames ahead continues decoding for a seek further into the same
// GOP instead of starting again at the keyframe, and shows the right
// frame; seeks back, or past the next keyframe, still start at a keyframe.
func TestSeekForwardWithinTheGOPContinues(t *testing.T) {
	c := makeSentinelClip(t, 320, 240, 10, 20, 40)
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, Paused: true, Size: Size{160, 120}, Queue: 3})
	if n := frameNumber(takeNext(t, p, clk).Image); n != 0 {
		t.Fatalf("first paused frame %d, want 0", n)
	}
	// Frame 0 is on screen, 1..3 are queued and 4 waits for room: wait
	// until the engine has got that far.
	for deadline := time.Now().Add(20 * time.Second); p.Stats().Decoded < 5; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the engine did not decode ahead: %+v", p.Stats())
		}
	}
	p.Seek(frameTime(12, 10))
	if n := frameNumber(takeNext(t, p, clk).Image); n != 12 {
		t.Fatalf("seek forward in the GOP shows %d, want 12", n)
	}
	// Continuing decodes frames 5..13 (13 ends the seek), at most 3 queued
	// and one waiting after them: 0..17 at most, 18 pictures. Starting
	// again at the keyframe would have decoded at least 5 + 14.
	if d := p.Stats().Decoded; d > 18 {
		t.Fatalf("%d pictures decoded: the seek started again at the keyframe", d)
	}
	for _, tc := range []struct{ at, want int }{{6, 6}, {25, 25}, {27, 27}, {3, 3}, {39, 39}} {
		p.Seek(frameTime(tc.at, 10).Add(time.Millisecond))
		if n := frameNumber(takeNext(t, p, clk).Image); n != tc.want {
			t.Fatalf("seek to %d shows %d", tc.at, n)
		}
	}
	if st := p.Stats(); st.Errors != 0 {
		t.Fatalf("stats %+v", st)
	}
}
