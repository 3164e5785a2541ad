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

func TestKeyframesOnlySwitchesWhileLive(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 70, 0)
	clk := newManualClock(frameTime(0, 10))
	feed := make(chanFeed, 16)
	script := &liveScript{feed: feed, gens: []*clip{c}}
	script.push()
	p := startPlayer(t, feed, nil, Options{Clock: clk, Size: Size{160, 120}})
	var got []int
	for len(got) < 16 {
		f := takeNext(t, p, clk)
		n := frameNumber(f.Image)
		got = append(got, n)
		switch n {
		case 4:
			p.SetKeyframesOnly(true) // a tile shrinks
		case 30:
			p.SetKeyframesOnly(false) // and grows again
		}
		if n%10 == 0 {
			script.push()
		}
	}
	// Frames decoded ahead (the queue, reordering) are still shown after
	// the switch; then keyframes only; then every frame from the next
	// keyframe the engine reaches.
	i := 0
	for i+1 < len(got) && got[i+1] == got[i]+1 {
		i++
	}
	if got[i] < 4 {
		t.Fatalf("keyframe-only mode before it was asked for: %v", got)
	}
	j := i + 1
	for j < len(got) && got[j]%10 == 0 && (j+1 == len(got) || got[j+1] != got[j]+1) {
		j++
	}
	if j == i+1 {
		t.Fatalf("no keyframe-only stretch: %v", got)
	}
	if j >= len(got) || got[j]%10 != 0 {
		t.Fatalf("full decoding did not resume at a keyframe: %v", got)
	}
	for k := j + 1; k < len(got); k++ {
		if got[k] != got[k-1]+1 {
			t.Fatalf("frames missing after keyframe-only mode ended: %v", got)
		}
	}
}
