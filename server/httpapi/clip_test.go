package httpapi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"proctor/proto"
)

// clip is an ffmpeg-made fragmented MP4 split into its init segment and
// its moof+mdat fragments, as a Sentinel would send them.
type clip struct {
	init []byte
	info proto.InitInfo
	segs []clipSeg
}

type clipSeg struct {
	payload []byte
	media   proto.MediaInfo
}

var (
	clipMu    sync.Mutex
	clipCache = map[string]clip{}
)

// makeClip encodes seconds of testsrc2 at size (e.g. "320x240") and 10 fps
// with a keyframe every 10 frames and a fragment every 5 frames, so
// fragments alternate between starting with a keyframe and not. Clips are
// cached per test binary.
func makeClip(t testing.TB, size string, seconds int) clip {
	t.Helper()
	key := fmt.Sprintf("%s/%d", size, seconds)
	clipMu.Lock()
	defer clipMu.Unlock()
	if c, ok := clipCache[key]; ok {
		return c
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	out := filepath.Join(t.TempDir(), "clip.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size="+size+":rate=10", "-t", strconv.Itoa(seconds),
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "10",
		"-sc_threshold", "0", "-pix_fmt", "yuv420p",
		"-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof",
		"-frag_duration", "500000", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c := splitClip(t, b)
	clipCache[key] = c
	return c
}

// splitClip cuts an fMP4 file into init (ftyp+moov) and moof+mdat pairs,
// dropping the trailing mfra.
func splitClip(t testing.TB, b []byte) clip {
	t.Helper()
	var c clip
	var pending []byte
	for off := 0; off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		box := b[off : off+n]
		off += n
		switch typ {
		case "ftyp":
			c.init = append(c.init, box...)
		case "moov":
			c.init = append(c.init, box...)
			info, err := proto.ParseInit(c.init)
			if err != nil {
				t.Fatal(err)
			}
			c.info = info
		case "moof":
			pending = box
		case "mdat":
			payload := append(append([]byte(nil), pending...), box...)
			m, err := proto.ParseMedia(payload, &c.info, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.segs = append(c.segs, clipSeg{payload: payload, media: m})
		}
	}
	if len(c.init) == 0 || len(c.segs) == 0 {
		t.Fatalf("clip has %d init bytes and %d fragments", len(c.init), len(c.segs))
	}
	return c
}

// ffprobeFrames decodes the file at path and returns the number of video
// frames read.
func ffprobeFrames(t testing.TB, path string) int {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(bytes.TrimRight(out, ",\n"))))
	if err != nil {
		t.Fatalf("ffprobe output %q: %v", out, err)
	}
	return n
}
