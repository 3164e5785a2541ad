package player

import (
	"testing"
	"time"
)

// History playback that falls behind its clock goes on at the keyframe at
// the play position instead of decoding every picture late: here the clock
// jumps 3.5 s while the engine waits at frame 4 of a 1 s GOP, so the next
// GOPs' pictures before frame 30 are never decoded, and playback goes on
// in order from there.
func TestPlaybackBehindItsClockSkipsToTheKeyframe(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 60, 0)
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, Size: Size{160, 120}})
	if n := frameNumber(takeNext(t, p, clk).Image); n != 0 {
		t.Fatalf("first frame %d", n)
	}
	clk.Add(3500 * time.Millisecond)
	var got []int
	for len(got) == 0 || got[len(got)-1] < 40 {
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	// Pictures decoded before the engine saw the clock's jump may come
	// first (at most the queue and the one being pushed), then pictures
	// from keyframe 30 on (those already due at once, newest first wins),
	// and every frame from 35, the play position, on.
	for i, n := range got {
		if n > 5 && n < 30 {
			t.Fatalf("frame %d shown after the clock passed frame 35: %v", n, got)
		}
		if i > 0 && n <= got[i-1] {
			t.Fatalf("frames out of order: %v", got)
		}
	}
	i := len(got) - 1
	for i > 0 && got[i-1] >= 35 {
		i--
	}
	wantNumbers(t, got[i:], seq(35, 40))
	if st := p.Stats(); st.Decoded > 20 {
		t.Fatalf("decoded %d pictures to show %v, want the GOP at 30 and little before it; stats %+v", st.Decoded, got, st)
	}
}
