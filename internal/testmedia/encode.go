package testmedia

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// Options describe a clip of ffmpeg's testsrc2 pattern encoded with
// libx264 (-tune zerolatency, -sc_threshold 0, yuv420p) as fragmented MP4.
type Options struct {
	Size     string   // frame size, "320x240" when empty
	FPS      int      // frame rate, 10 when 0
	GOP      int      // frames per keyframe (-g), FPS when 0
	Seconds  float64  // duration (-t), 1 when 0
	Movflags string   // "frag_keyframe" when empty, or e.g. "frag_every_frame"; +empty_moov+default_base_moof is added
	Extra    []string // more output options, after the standard ones (e.g. "-preset", "ultrafast")
}

func (o Options) withDefaults() Options {
	o.Size = cmp.Or(o.Size, "320x240")
	o.FPS = cmp.Or(o.FPS, 10)
	o.GOP = cmp.Or(o.GOP, o.FPS)
	o.Seconds = cmp.Or(o.Seconds, 1)
	o.Movflags = cmp.Or(o.Movflags, "frag_keyframe")
	return o
}

// Args returns the ffmpeg command line (without "ffmpeg") that encodes o
// to out, which may be "-" for standard output.
func Args(o Options, out string) []string {
	o = o.withDefaults()
	args := []string{"-loglevel", "error", "-y", "-f", "lavfi",
		"-i", fmt.Sprintf("testsrc2=size=%s:rate=%d", o.Size, o.FPS),
		"-t", strconv.FormatFloat(o.Seconds, 'f', -1, 64),
		"-c:v", "libx264", "-g", strconv.Itoa(o.GOP), "-sc_threshold", "0",
		"-tune", "zerolatency", "-pix_fmt", "yuv420p"}
	args = append(args, o.Extra...)
	return append(args, "-f", "mp4", "-movflags", o.Movflags+"+empty_moov+default_base_moof", out)
}

var (
	encodeMu sync.Mutex
	encoded  = map[string][]byte{} // by Args; guarded by encodeMu
)

// Encode runs ffmpeg for o and returns the fragmented MP4 byte stream.
// Identical options are encoded once per process. It skips the test when
// ffmpeg is not installed.
func Encode(t testing.TB, o Options) []byte {
	t.Helper()
	key := fmt.Sprint(Args(o, ""))
	encodeMu.Lock()
	defer encodeMu.Unlock()
	if b, ok := encoded[key]; ok {
		return b
	}
	NeedTool(t, "ffmpeg")
	out := filepath.Join(t.TempDir(), "clip.mp4")
	if b, err := exec.Command("ffmpeg", Args(o, out)...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	encoded[key] = b
	return b
}
