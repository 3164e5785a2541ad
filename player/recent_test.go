package player

import "testing"

// Stepping back while paused shows the pictures decoded last without
// decoding again from the keyframe, exactly, in both directions, and goes
// on decoding from where it was; beyond them it decodes as before.
func TestStepBackUsesRecentPictures(t *testing.T) {
	p, clk := pausedAt(t, makeSentinelClip(t, 320, 240, 10, 30, 60), 25)
	step := func(d int) int { return stepShow(t, p, clk, d) }
	d0 := p.Stats().Decoded
	var got []int
	for range 8 {
		got = append(got, step(-1))
	}
	wantNumbers(t, got, []int{24, 23, 22, 21, 20, 19, 18, 17})
	// A few pictures are decoded ahead of the one shown while paused (to
	// fill the queue); nothing is decoded again from the keyframe.
	if d := p.Stats().Decoded - d0; d > 8 {
		t.Fatalf("eight steps back decoded %d pictures", d)
	}
	got = got[:0]
	for range 12 {
		got = append(got, step(1))
	}
	wantNumbers(t, got, seq(18, 29))
	// Three steps back without a Take between (a held key), then far
	// back past the recent pictures: decoded from the keyframe, exact.
	p.Step(-1)
	p.Step(-1)
	if n := step(-1); n != 26 {
		t.Fatalf("three steps back from 29 show %d", n)
	}
	if n := step(-14); n != 12 {
		t.Fatalf("fourteen steps back from 26 show %d", n)
	}
	got = got[:0]
	for range 3 {
		got = append(got, step(1))
	}
	wantNumbers(t, got, seq(13, 15))
}
