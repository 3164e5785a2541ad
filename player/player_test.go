package player

import (
	"errors"
	"testing"
	"time"
)

func TestLivePlaysEveryFrameAcrossResolutionChange(t *testing.T) {
	g1 := makeClip(t, 320, 240, 10, 10, 0, 40, 0)
	g2 := makeClip(t, 160, 120, 10, 10, 40, 30, 4)
	clk := newManualClock(frameTime(0, 10))
	feed := make(chanFeed, 16)
	script := &liveScript{feed: feed, gens: []*clip{g1, g2}}
	script.push()
	p := startPlayer(t, feed, nil, Options{Clock: clk, Size: Size{160, 120}})
	var got []int
	for len(got) < 70 {
		f := takeNext(t, p, clk)
		n := frameNumber(f.Image)
		got = append(got, n)
		if n%10 == 0 {
			script.push()
		}
		wantSrc := Size{320, 240}
		if n >= 40 {
			wantSrc = Size{160, 120}
		}
		if f.Source != wantSrc || f.Image.Rect.Dx() != 160 || f.Image.Rect.Dy() != 120 {
			t.Fatalf("frame %d: source %v image %v", n, f.Source, f.Image.Rect)
		}
		if !f.Time.Equal(frameTime(n, 10)) {
			t.Fatalf("frame %d: time %v, want %v", n, f.Time, frameTime(n, 10))
		}
	}
	wantNumbers(t, got, seq(0, 69))
	st := p.Stats()
	if st.Shown != 70 || st.Dropped != 0 || st.Late != 0 || st.Errors != 0 {
		t.Fatalf("stats %+v", st)
	}
	if p.State().Mode != ModeLive {
		t.Fatalf("mode %v", p.State().Mode)
	}
}

func TestHistoryPlaysThroughTheEnd(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 40, 0)
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, Size: Size{160, 120}})
	if err := p.SetSpeed(4); err != nil {
		t.Fatal(err)
	}
	var got []int
	for len(got) < 40 {
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	wantNumbers(t, got, seq(0, 39))
	if st := p.Stats(); st.Dropped != 0 || st.Errors != 0 || st.Segments != 4 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSeekShowsTheFrameAtOrBefore(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 40, 0)
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, Paused: true, Size: Size{160, 120}})
	if n := frameNumber(takeNext(t, p, clk).Image); n != 0 {
		t.Fatalf("first paused frame %d, want 0", n)
	}
	ms := time.Millisecond
	cases := []struct {
		name string
		at   time.Time
		want int
	}{
		{"exactly a keyframe", frameTime(10, 10), 10},
		{"exactly a frame", frameTime(17, 10), 17},
		{"between frames", frameTime(23, 10).Add(50 * ms), 23},
		{"just before a keyframe", frameTime(30, 10).Add(-ms), 29},
		{"last frame", frameTime(39, 10), 39},
		{"after the end", frameTime(60, 10), 39},
		{"before the start", frameTime(0, 10).Add(-time.Hour), 0},
		{"back to the first segment", frameTime(4, 10), 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p.Seek(tc.at)
			f := takeNext(t, p, clk)
			if n := frameNumber(f.Image); n != tc.want {
				t.Fatalf("seek to %v: frame %d, want %d", tc.at.Sub(clipBase), n, tc.want)
			}
			if p.State().Mode != ModePaused {
				t.Fatalf("mode %v after a paused seek", p.State().Mode)
			}
		})
	}
}

func TestStepBothWays(t *testing.T) {
	p, clk := pausedAt(t, makeClip(t, 320, 240, 10, 10, 0, 40, 0), 8)
	var got []int
	for _, d := range []int{1, 1, 1, 1, -1, -1, -1, -1, -1, -1, 1} {
		got = append(got, stepShow(t, p, clk, d))
	}
	wantNumbers(t, got, []int{9, 10, 11, 12, 11, 10, 9, 8, 7, 6, 7})
}

func TestCorruptSegmentResumesAtNextKeyframe(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 60, 0)
	arch := newMemArchive(c)
	arch.segs[2] = arch.segs[2][:len(arch.segs[2])/2] // truncated: frames 20..29
	arch.fail[4] = errors.New("HTTP 500")             // fetch failure: frames 40..49
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, arch, Options{Clock: clk, Size: Size{160, 120}})
	var got []int
	for len(got) < 40 {
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	want := append(append(seq(0, 19), seq(30, 39)...), seq(50, 59)...)
	wantNumbers(t, got, want)
	st := p.Stats()
	if st.Errors != 2 || st.Gaps != 2 || !errors.Is(st.LastError, ErrFetch) {
		t.Fatalf("stats %+v", st)
	}
}

func TestKeyframesOnlyAndPreview(t *testing.T) {
	c := makeClip(t, 320, 240, 10, 10, 0, 40, 0)
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, KeyframesOnly: true, Size: Size{160, 120}})
	var got []int
	for len(got) < 4 {
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	wantNumbers(t, got, []int{0, 10, 20, 30})
	if st := p.Stats(); st.Decoded != 4 {
		t.Fatalf("decoded %d pictures in keyframe-only mode, want 4", st.Decoded)
	}

	p.SetKeyframesOnly(false)
	p.Preview(frameTime(27, 10))
	if n := frameNumber(takeNext(t, p, clk).Image); n != 30 {
		t.Fatalf("preview of frame 27 shows %d, want the nearest keyframe 30", n)
	}
	p.Preview(frameTime(24, 10))
	if n := frameNumber(takeNext(t, p, clk).Image); n != 20 {
		t.Fatalf("preview of frame 24 shows %d, want the nearest keyframe 20", n)
	}
	p.Preview(frameTime(5, 10))
	if n := frameNumber(takeNext(t, p, clk).Image); n != 0 {
		t.Fatalf("preview of frame 5 shows %d, want keyframe 0", n)
	}
	p.Seek(frameTime(13, 10))
	got = got[:0]
	for len(got) < 5 {
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	wantNumbers(t, got, seq(13, 17))
	if p.State().Mode != ModePlaying {
		t.Fatalf("mode %v after seek from preview", p.State().Mode)
	}
}

func TestStepsBackAccumulate(t *testing.T) {
	p, clk := pausedAt(t, makeClip(t, 320, 240, 10, 10, 0, 40, 0), 22)
	for range 5 { // a held arrow key: no Take in between
		p.Step(-1)
	}
	if n := frameNumber(takeNext(t, p, clk).Image); n != 17 {
		t.Fatalf("five steps back from 22 show %d, want 17", n)
	}
	p.Step(-9) // across two keyframes
	if n := frameNumber(takeNext(t, p, clk).Image); n != 8 {
		t.Fatalf("nine steps back from 17 show %d, want 8", n)
	}
	p.Step(-20) // clamped, and never before the first frame
	if n := frameNumber(takeNext(t, p, clk).Image); n != 0 {
		t.Fatalf("twenty steps back from 8 show %d, want 0", n)
	}
}

// A seek leaves pictures nothing refers to out of the decoder when they
// come before the one it shows: with two non-reference B-frames between
// reference pictures, reaching the end of a GOP decodes about a third of
// it. Every target still shows its exact frame, and steps back (which
// need the pictures before the target) still work.
func TestSeekSkipsDisposablePictures(t *testing.T) {
	c := encodeClip(t, 320, 240, 10, 30, 0, 60, 0, "frag_keyframe", "bframes=2:b-adapt=0:b-pyramid=none")
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, Paused: true, Size: Size{160, 120}})
	takeNext(t, p, clk)
	for _, n := range []int{59, 31, 44, 30, 58, 29, 1} {
		d0 := p.Stats().Decoded
		p.Seek(frameTime(n, 10))
		if got := frameNumber(takeNext(t, p, clk).Image); got != n {
			t.Fatalf("seek to frame %d shows %d", n, got)
		}
		// From the keyframe k: the reference pictures up to the target
		// (a third of them), the target, and a few beyond it that the
		// decoder needs before the target comes out (reordering).
		k := n / 30 * 30
		if decoded := int(p.Stats().Decoded - d0); decoded > (n-k)/2+6 {
			t.Errorf("seek to frame %d decoded %d pictures from keyframe %d", n, decoded, k)
		}
	}
	var got []int
	for range 4 {
		p.Step(-1)
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	wantNumbers(t, got, []int{0, 0, 0, 0})
	p.Seek(frameTime(50, 10))
	takeNext(t, p, clk)
	got = got[:0]
	for _, d := range []int{-1, -1, -3, 1, 1} {
		p.Step(d)
		got = append(got, frameNumber(takeNext(t, p, clk).Image))
	}
	wantNumbers(t, got, []int{49, 48, 45, 46, 47})
}
