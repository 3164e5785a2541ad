package player

import (
	"errors"
	"testing"

	"proctor/proto"
)

func TestLiveSkippedContinuesAtTheNewKeyframe(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 70, 0)
	clk := newManualClock(frameTime(0, 10))
	feed := make(chanFeed, 16)
	feed.init(1, c.init)
	feed.media(c.hdrs[0], c.segs[0])
	p := startPlayer(t, feed, nil, Options{Clock: clk, Size: Size{160, 120}})
	next := 1
	push := func() {
		switch next {
		case 2: // the server moved this watcher past segments 2..3
			feed <- LiveMessage{Skipped: &proto.Skipped{Type: proto.TypeSkipped, From: 2, To: 3}}
			next = 4
		case 5: // a sequence jump without notice (segment 5 lost)
			next = 6
		}
		if next < len(c.segs) {
			feed.media(c.hdrs[next], c.segs[next])
			next++
		}
	}
	var got []int
	for len(got) < 40 {
		n := frameNumber(takeNext(t, p, clk).Image)
		got = append(got, n)
		if n%10 == 0 {
			push()
		}
	}
	want := append(append(seq(0, 19), seq(40, 49)...), seq(60, 69)...)
	wantNumbers(t, got, want)
	st := p.Stats()
	if st.Gaps != 3 || st.Errors != 2 || !errors.Is(st.LastError, ErrGap) {
		t.Fatalf("stats %+v", st)
	}
}
