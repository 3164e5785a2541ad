package server

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"proctor/proto"
)

// clip is real H.264 fMP4 made by the ffmpeg CLI, split into an init
// segment and media segments.
type clip struct {
	init []byte
	segs []clipSeg
}

type clipSeg struct {
	payload []byte
	key     bool
	dur     uint32 // us
}

var (
	clipMu     sync.Mutex
	clips      = map[string]*clip{}
	clipDir    string
	testSecret = []byte("test-secret-0123456789")
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "proctor-server-test")
	if err != nil {
		panic(err)
	}
	clipDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// makeClip encodes seconds of testsrc2 at size with extra x264 args and
// movflags, once per test binary per parameter set.
func makeClip(t testing.TB, size string, seconds int, movflags string, extra ...string) *clip {
	t.Helper()
	key := fmt.Sprint(size, seconds, movflags, extra)
	clipMu.Lock()
	defer clipMu.Unlock()
	if c := clips[key]; c != nil {
		return c
	}
	out := filepath.Join(clipDir, fmt.Sprintf("clip%d.mp4", len(clips)))
	args := []string{"-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=10",
		"-t", fmt.Sprint(seconds), "-c:v", "libx264", "-g", "5", "-tune", "zerolatency", "-pix_fmt", "yuv420p"}
	args = append(args, extra...)
	args = append(args, "-f", "mp4", "-movflags", movflags+"+empty_moov+default_base_moof", out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c, err := splitClip(b)
	if err != nil {
		t.Fatal(err)
	}
	clips[key] = c
	return c
}

// splitClip cuts ftyp+moov and each moof+mdat pair out of a fragmented MP4.
func splitClip(b []byte) (*clip, error) {
	c := &clip{}
	var info proto.InitInfo
	for off := 0; off+8 <= len(b); {
		size := int(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		if size < 8 || off+size > len(b) {
			return nil, fmt.Errorf("bad box %q at %d", typ, off)
		}
		switch typ {
		case "moov":
			c.init = b[:off+size]
			var err error
			if info, err = proto.ParseInit(c.init); err != nil {
				return nil, err
			}
		case "moof":
			mdat := off + size
			end := mdat + int(binary.BigEndian.Uint32(b[mdat:]))
			p := b[off:end]
			mi, err := proto.ParseMedia(p, &info, nil)
			if err != nil {
				return nil, err
			}
			c.segs = append(c.segs, clipSeg{payload: p, key: mi.Keyframe,
				dur: uint32(mi.Duration * 1e6 / uint64(info.Timescale))})
			size = end - off
		}
		off += size
	}
	if c.init == nil || len(c.segs) == 0 {
		return nil, fmt.Errorf("no init or no segments")
	}
	return c, nil
}

// lowLatencyClip is 4 s at 10 fps with one frame per segment (40
// segments, a keyframe every 5).
func lowLatencyClip(t testing.TB) *clip { return makeClip(t, "320x240", 4, "frag_every_frame") }
