package server

import (
	"testing"
	"time"

	"proctor/internal/testmedia"
)

// clip is real H.264 fMP4 made by the ffmpeg CLI, split into an init
// segment and media segments, with durations in microseconds as the
// message header carries them.
type clip struct {
	init []byte
	segs []clipSeg
}

type clipSeg struct {
	payload []byte
	key     bool
	dur     uint32 // us
}

var testSecret = []byte("test-secret-0123456789")

// makeClip encodes seconds of testsrc2 at size and 10 fps, a keyframe every
// 5 frames unless extra says otherwise, with movflags.
func makeClip(t testing.TB, size string, seconds int, movflags string, extra ...string) *clip {
	t.Helper()
	return splitClip(t, testmedia.Encode(t, testmedia.Options{Size: size, FPS: 10, GOP: 5,
		Seconds: float64(seconds), Movflags: movflags, Extra: extra}))
}

// splitClip cuts ftyp+moov and each moof+mdat pair out of a fragmented MP4.
func splitClip(t testing.TB, b []byte) *clip {
	t.Helper()
	c := &clip{}
	tc := testmedia.Split(t, b)
	c.init = tc.Init
	for _, s := range tc.Segments {
		c.segs = append(c.segs, clipSeg{payload: s.Payload, key: s.Keyframe, dur: uint32(s.Duration / time.Microsecond)})
	}
	return c
}

// lowLatencyClip is 4 s at 10 fps with one frame per segment (40
// segments, a keyframe every 5).
func lowLatencyClip(t testing.TB) *clip { return makeClip(t, "320x240", 4, "frag_every_frame") }
