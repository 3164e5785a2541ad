package testmedia

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// CountFrames decodes mp4 with ffprobe and returns its video frame count.
func CountFrames(t testing.TB, mp4 []byte) int {
	t.Helper()
	p := filepath.Join(t.TempDir(), "count.mp4")
	if err := os.WriteFile(p, mp4, 0o644); err != nil {
		t.Fatal(err)
	}
	return CountFramesIn(t, p)
}

// CountFramesIn decodes the file or URL name with ffprobe and returns its
// video frame count.
func CountFramesIn(t testing.TB, name string) int {
	t.Helper()
	s := Probe(t, name, "nb_read_frames")
	n, err := strconv.Atoi(strings.TrimRight(s, ","))
	if err != nil {
		t.Fatalf("ffprobe %s: output %q: %v", name, s, err)
	}
	return n
}

// Probe runs ffprobe -count_frames on the first video stream of the file
// or URL name and returns the stream entries (e.g. "codec_name", "width",
// "nb_read_frames") as ffprobe's comma-separated line, in ffprobe's order.
func Probe(t testing.TB, name string, entries ...string) string {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream="+strings.Join(entries, ","), "-of", "csv=p=0", name).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", name, err, out)
	}
	return strings.TrimSpace(string(out))
}
