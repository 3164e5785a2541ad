package player

import (
	"testing"

	"proctor/proto"
)

// FuzzLiveSegment feeds an arbitrary media segment between two good ones
// of a live stream: nothing may panic, and playback must continue with
// the good segment that follows (frame 20 onwards).
func FuzzLiveSegment(f *testing.F) {
	c := makeClip(f, 160, 120, 10, 10, 0, 30, 0)
	good := c.segs[1]
	f.Add(good)
	f.Add(good[:len(good)/2])
	flipped := append([]byte(nil), good...)
	for i := len(flipped) / 2; i < len(flipped); i += 7 {
		flipped[i] ^= 0x5a
	}
	f.Add(flipped)
	f.Fuzz(func(t *testing.T, seg []byte) {
		clk := newManualClock(frameTime(0, 10))
		feed := make(chanFeed, 8)
		feed.init(1, c.init)
		feed.media(c.hdrs[0], c.segs[0])
		p := startPlayer(t, feed, nil, Options{Clock: clk, Size: Size{80, 60}})
		takeNext(t, p, clk)
		feed.media(c.hdrs[1], seg)
		feed.media(c.hdrs[2], c.segs[2])
		// One more so the last pictures of segment 2 leave the decoder.
		feed.media(proto.Header{Kind: proto.KindMedia, Seq: 3, Time: frameTime(30, 10).UnixMicro(), Flags: proto.FlagKeyframe}, c.segs[0])
		for {
			if n := frameNumber(takeNext(t, p, clk).Image); n >= 20 {
				break
			}
		}
	})
}
