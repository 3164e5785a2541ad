package httpapi

import (
	"testing"

	"proctor/internal/testmedia"
)

// makeClip encodes seconds of testsrc2 at size (e.g. "320x240") and 10 fps
// with a keyframe every 10 frames and a fragment every 5 frames, so
// fragments alternate between starting with a keyframe and not, and cuts
// it into its init segment and moof+mdat fragments, as a Sentinel would
// send them.
func makeClip(t testing.TB, size string, seconds int) *testmedia.Clip {
	t.Helper()
	return testmedia.Split(t, testmedia.Encode(t, testmedia.Options{Size: size, FPS: 10, GOP: 10,
		Seconds: float64(seconds), Movflags: "frag_keyframe",
		Extra: []string{"-preset", "ultrafast", "-frag_duration", "500000"}}))
}
