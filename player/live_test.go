package player

import (
	"errors"
	"slices"
	"testing"
	"time"

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
	// Frames decoded ahead (the queue, reordering) may still be shown after
	// the switch; then keyframes only; then every frame from the next
	// keyframe the engine reaches after keyframe-only mode ends.
	for k := 1; k < len(got); k++ {
		if got[k] <= got[k-1] {
			t.Fatalf("frames out of order: %v", got)
		}
	}
	first := slices.Index(got, 10)
	resume := -1
	for k := first; k >= 0 && k+1 < len(got); k++ {
		if got[k] >= 30 && got[k]%10 == 0 && got[k+1] == got[k]+1 {
			resume = k
			break
		}
	}
	if first < 0 || resume < 0 {
		t.Fatalf("no keyframe-only stretch, or no resumption: %v", got)
	}
	for k := first; k < resume; k++ {
		if got[k]%10 != 0 {
			t.Fatalf("frame %d decoded in keyframe-only mode: %v", got[k], got)
		}
	}
	for k := resume + 1; k < len(got); k++ {
		if got[k] != got[k-1]+1 {
			t.Fatalf("frames missing after keyframe-only mode ended: %v", got)
		}
	}
}

func TestLowLatencyLiveStartsAtTheNewestFrame(t *testing.T) {
	c := makeLowLatencyClip(t, 320, 240, 10, 10, 30)
	clk := newManualClock(frameTime(14, 10).Add(20 * time.Millisecond))
	feed := make(chanFeed, 64)
	feed.init(1, c.init)
	for i := 0; i <= 14; i++ { // the buffered GOP the server sends first
		feed.media(c.hdrs[i], c.segs[i])
	}
	p := startPlayer(t, feed, nil, Options{Clock: clk, Size: Size{160, 120}, Jitter: 30 * time.Millisecond})
	// The burst is read one segment at a time, and a busy machine may run
	// the engine before all of it is in: go live again once it is, so the
	// start is judged on the whole buffered GOP, as a watcher receives it.
	for deadline := time.Now().Add(10 * time.Second); p.State().End.Before(frameTime(15, 10)); {
		if time.Now().After(deadline) {
			t.Fatal("the buffered GOP never reached the player")
		}
		time.Sleep(time.Millisecond)
	}
	if err := p.GoLive(); err != nil {
		t.Fatal(err)
	}
	var got []int
	for i := 15; len(got) < 6; i++ {
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
		feed.media(c.hdrs[i], c.segs[i])
	}
	wantNumbers(t, got, seq(14, 19))
	if st := p.Stats(); st.Late != 0 || st.Dropped != 0 || st.Latency > 200*time.Millisecond {
		t.Fatalf("stats %+v", st)
	}
}
