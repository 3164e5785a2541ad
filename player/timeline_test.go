package player

import (
	"testing"
	"time"
)

func TestLiveAndHistoryAreOneTimeline(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 80, 0)
	arch := newMemArchive(c)
	clk := newManualClock(frameTime(0, 10))
	feed := make(chanFeed, 16)
	script := &liveScript{feed: feed, gens: []*clip{c}}
	script.push()
	p := startPlayer(t, feed, arch, Options{Clock: clk, Size: Size{160, 120}, Memory: 3 * time.Second})
	for n := -1; n < 65; {
		n = frameNumber(takeNext(t, p, clk).Image)
		if n%10 == 0 {
			script.push()
		}
	}
	// Segments 0..7 were pushed; memory covers the last 3 s from a keyframe.
	calls := func() int {
		arch.mu.Lock()
		defer arch.mu.Unlock()
		return arch.calls
	}
	if calls() != 0 {
		t.Fatalf("%d archive fetches while live", calls())
	}

	p.Seek(frameTime(52, 10))
	if n := frameNumber(takeNext(t, p, clk).Image); n != 52 {
		t.Fatalf("seek into memory: frame %d, want 52", n)
	}
	if calls() != 0 {
		t.Fatalf("seek within the memory buffer fetched %d segments over the archive", calls())
	}

	p.Seek(frameTime(15, 10))
	var got []int
	for len(got) < 8 {
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	wantNumbers(t, got, seq(15, 22))
	if calls() == 0 {
		t.Fatal("seek before the memory buffer did not use the archive")
	}
	if st := p.State(); st.Mode != ModePlaying || !st.Start.Equal(frameTime(0, 10)) {
		t.Fatalf("state %+v", st)
	}

	if err := p.GoLive(); err != nil {
		t.Fatal(err)
	}
	if n := frameNumber(takeNext(t, p, clk).Image); n != 70 {
		t.Fatalf("go live: frame %d, want the newest keyframe 70", n)
	}
	if p.State().Mode != ModeLive {
		t.Fatalf("mode %v after GoLive", p.State().Mode)
	}
}

func TestSetSizeWhilePlaying(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 40, 0)
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, Size: Size{160, 120}})
	for i := 0; i < 5; i++ {
		takeNext(t, p, clk)
	}
	if err := p.SetSize(0, 10); err == nil {
		t.Fatal("SetSize(0, 10) accepted")
	}
	if err := p.SetSize(96, 72); err != nil {
		t.Fatal(err)
	}
	prev, resized := 4, -1
	for i := 0; i < 10; i++ {
		f := takeNext(t, p, clk)
		n := frameNumber(f.Image)
		if n != prev+1 {
			t.Fatalf("frame %d after %d", n, prev)
		}
		prev = n
		if f.Image.Rect.Dx() == 96 && f.Image.Rect.Dy() == 72 && resized < 0 {
			resized = i
		}
	}
	if resized < 0 || resized > p.opts.Queue+1 {
		t.Fatalf("new size first seen %d frames after SetSize", resized)
	}
}

func TestHistoryAcrossAResolutionChange(t *testing.T) {
	g1 := makeClip(t, 320, 240, 10, 10, 0, 40, 0)
	g2 := makeClip(t, 160, 120, 10, 10, 40, 30, 4)
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(g1, g2), Options{Clock: clk, Size: Size{128, 96}})
	p.Seek(frameTime(35, 10))
	var got []int
	for len(got) < 10 {
		f := takeNext(t, p, clk)
		n := frameNumber(f.Image)
		got = append(got, n)
		want := Size{320, 240}
		if n >= 40 {
			want = Size{160, 120}
		}
		if f.Source != want || f.Generation != uint64(1+n/40) {
			t.Fatalf("frame %d: source %v generation %d", n, f.Source, f.Generation)
		}
	}
	wantNumbers(t, got, seq(35, 44))
	p.Pause()
	for _, n := range []int{62, 12, 47, 39} {
		p.Seek(frameTime(n, 10))
		if got := frameNumber(takeNext(t, p, clk).Image); got != n {
			t.Fatalf("seek to %d shows %d", n, got)
		}
	}
}
