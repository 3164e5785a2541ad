package sentinel

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/sentinel/pattern"
)

// collector is a Sink that keeps everything and checks it with proto.
type collector struct {
	mu    sync.Mutex
	inits map[uint64][]byte
	segs  []Segment
	info  map[uint64]proto.InitInfo
	err   error
}

func newCollector() *collector {
	return &collector{inits: map[uint64][]byte{}, info: map[uint64]proto.InitInfo{}}
}

func (c *collector) Init(gen uint64, b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	info, err := proto.ParseInit(b)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("generation %d: %w", gen, err)
	}
	c.inits[gen] = b
	c.info[gen] = info
	return nil
}

func (c *collector) Segment(s Segment) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	info := c.info[s.Generation]
	m, err := proto.ParseMedia(s.Payload, &info, nil)
	switch {
	case err != nil:
		err = fmt.Errorf("segment %d: %w", len(c.segs), err)
	case len(m.Samples) != s.Frames:
		err = fmt.Errorf("segment %d: %d samples, Sentinel says %d", len(c.segs), len(m.Samples), s.Frames)
	case m.Keyframe != s.Keyframe:
		err = fmt.Errorf("segment %d: keyframe %v, Sentinel says %v", len(c.segs), m.Keyframe, s.Keyframe)
	}
	if err != nil && c.err == nil {
		c.err = err
	}
	c.segs = append(c.segs, s)
	return nil
}

func (c *collector) segments() []Segment {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Segment(nil), c.segs...)
}

// file writes generation gen's init and its segments to one fMP4 file.
func (c *collector) file(t *testing.T, gen uint64) string {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var b bytes.Buffer
	b.Write(c.inits[gen])
	for _, s := range c.segs {
		if s.Generation == gen {
			b.Write(s.Payload)
		}
	}
	p := filepath.Join(t.TempDir(), fmt.Sprintf("gen%d.mp4", gen))
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runFrames drives s through n frames at synthetic times one interval
// apart (no sleeping), as Run would at the configured rate, then finishes.
func runFrames(t *testing.T, s *Sentinel, n int, each func(i int)) {
	t.Helper()
	now := time.Now()
	for i := 0; i < n; i++ {
		if each != nil {
			each(i)
		}
		if err := s.step(now); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		now = s.next
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
}

// ffprobe checks that ffprobe reads path and returns its video stream
// summary "codec,width,height,frames".
func ffprobe(t *testing.T, path string) string {
	t.Helper()
	return testmedia.Probe(t, path, "codec_name", "width", "height", "nb_read_frames")
}

// decodeNumbers decodes path with the ffmpeg CLI to raw gray pictures and
// reads the frame number of each.
func decodeNumbers(t *testing.T, path string, w, h int) []uint64 {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), "ffmpeg", "-v", "error", "-i", path, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v\n%s", path, err, stderr.String())
	}
	var nums []uint64
	for len(out) >= w*h {
		n, err := pattern.DecodeY(out[:w*h], w, w, h)
		if err != nil {
			t.Fatalf("frame %d: %v", len(nums), err)
		}
		nums = append(nums, n)
		out = out[w*h:]
	}
	return nums
}

func needTool(t *testing.T, name string) {
	t.Helper()
	testmedia.NeedTool(t, name)
}
