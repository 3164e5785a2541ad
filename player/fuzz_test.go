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

// FuzzLiveInit feeds an arbitrary init segment as generation 1, then a good
// generation 2: nothing may panic and playback must come back with it.
func FuzzLiveInit(f *testing.F) {
	c := makeClip(f, 160, 120, 10, 10, 0, 30, 0)
	f.Add(c.init)
	f.Add(c.init[:len(c.init)-9])
	bad := append([]byte(nil), c.init...)
	for i := len(bad) - 40; i < len(bad); i += 3 {
		bad[i] ^= 0xa5 // inside the avcC record near the end
	}
	f.Add(bad)
	f.Fuzz(func(t *testing.T, init []byte) {
		clk := newManualClock(frameTime(0, 10))
		feed := make(chanFeed, 8)
		feed.init(1, init)
		feed.media(c.hdrs[0], c.segs[0])
		p := startPlayer(t, feed, nil, Options{Clock: clk, Size: Size{80, 60}})
		feed.init(2, c.init)
		h := c.hdrs[1]
		h.Flags |= proto.FlagDiscontinuity
		feed.media(h, c.segs[1])
		feed.media(c.hdrs[2], c.segs[2])
		for {
			if n := frameNumber(takeNext(t, p, clk).Image); n >= 10 {
				break
			}
		}
	})
}
