package player

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"proctor/proto"
)

// clip is an H.264 fMP4 stream made by the ffmpeg CLI whose pictures show
// their frame number as ten black/white blocks across the top quarter.
type clip struct {
	init   []byte
	segs   [][]byte
	hdrs   []proto.Header // media headers: Seq, Time, Duration, Flags
	fps    int
	gop    int
	first  int // frame number of the first picture
	frames int
	w, h   int
}

// clipBase is the wall-clock time of frame 0 of every test clip.
var clipBase = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// frameTime is the capture time of frame n at fps.
func frameTime(n, fps int) time.Time {
	return clipBase.Add(time.Duration(n) * time.Second / time.Duration(fps))
}

var (
	clipMu    sync.Mutex
	clipCache = map[string]*clip{}
)

// makeClip encodes frames first..first+frames-1 at w x h, fps, one keyframe
// every gop frames, B-frames on, and cuts it into one segment per GOP.
// Segment sequence numbers start at seq0. Clips are cached per process.
func makeClip(tb testing.TB, w, h, fps, gop, first, frames int, seq0 uint64) *clip {
	tb.Helper()
	return encodeClip(tb, w, h, fps, gop, first, frames, seq0, "frag_keyframe", "bframes=2:b-adapt=0")
}

// makeSentinelClip is makeClip without B-frames, as the reference
// Sentinel encodes: one segment per GOP, pictures in presentation order.
func makeSentinelClip(tb testing.TB, w, h, fps, gop, frames int) *clip {
	tb.Helper()
	return encodeClip(tb, w, h, fps, gop, 0, frames, 0, "frag_keyframe", "bframes=0")
}

// makeLowLatencyClip is makeClip with one frame per segment, as a
// low-latency Sentinel sends, and no B-frames.
func makeLowLatencyClip(tb testing.TB, w, h, fps, gop, frames int) *clip {
	tb.Helper()
	return encodeClip(tb, w, h, fps, gop, 0, frames, 0, "frag_every_frame", "bframes=0")
}

func encodeClip(tb testing.TB, w, h, fps, gop, first, frames int, seq0 uint64, frag, x264 string) *clip {
	tb.Helper()
	key := fmt.Sprint(w, h, fps, gop, first, frames, seq0, frag, x264)
	clipMu.Lock()
	defer clipMu.Unlock()
	if c, ok := clipCache[key]; ok {
		return c
	}
	dir := tb.TempDir()
	out := filepath.Join(dir, "clip.mp4")
	src := fmt.Sprintf("nullsrc=s=%dx%d:r=%d:d=%g,format=gray,"+
		"geq=lum='if(lt(Y,H/4),if(mod(floor((N+%d)/pow(2,floor(X*10/W))),2),235,16),128)',format=yuv420p",
		w, h, fps, float64(frames)/float64(fps), first)
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", src,
		"-c:v", "libx264", "-preset", "veryfast", "-x264-params", x264,
		"-g", fmt.Sprint(gop), "-keyint_min", fmt.Sprint(gop), "-sc_threshold", "0", "-threads", "1",
		"-f", "mp4", "-movflags", frag+"+empty_moov+default_base_moof", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	c := splitClip(tb, b, fps, gop, first, frames, seq0)
	clipCache[key] = c
	return c
}

// splitClip cuts an ffmpeg fragmented MP4 into its init segment and one
// media segment per moof+mdat, with the headers a Sentinel would send.
func splitClip(tb testing.TB, b []byte, fps, gop, first, frames int, seq0 uint64) *clip {
	tb.Helper()
	c := &clip{fps: fps, gop: gop, first: first, frames: frames}
	var boxes [][]byte
	for off := 0; off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		boxes = append(boxes, b[off:off+n])
		off += n
	}
	c.init = append(boxes[0][:len(boxes[0]):len(boxes[0])], boxes[1]...)
	info, err := proto.ParseInit(c.init)
	if err != nil {
		tb.Fatal(err)
	}
	c.w, c.h = info.Width, info.Height
	var pts0 int64 = -1
	for i := 2; i+1 < len(boxes); i += 2 {
		if string(boxes[i][4:8]) != "moof" {
			continue
		}
		seg := append(append([]byte(nil), boxes[i]...), boxes[i+1]...)
		mi, err := proto.ParseMedia(seg, &info, nil)
		if err != nil {
			tb.Fatal(err)
		}
		s0 := mi.Samples[0]
		pts := s0.DTS + int64(s0.CTO)
		if pts0 < 0 {
			pts0 = pts
		}
		start := frameTime(first, fps).Add(time.Duration((pts-pts0)*1e6/int64(info.Timescale)) * time.Microsecond)
		h := proto.Header{Kind: proto.KindMedia, Seq: seq0 + uint64(len(c.segs)), Time: start.UnixMicro(),
			Duration: uint32(mi.Duration * 1e6 / uint64(info.Timescale))}
		if mi.Keyframe {
			h.Flags |= proto.FlagKeyframe
		}
		c.segs = append(c.segs, seg)
		c.hdrs = append(c.hdrs, h)
	}
	return c
}

// frameNumber reads the frame number drawn by makeClip back from img.
func frameNumber(img *image.RGBA) int {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	n := 0
	for bit := 0; bit < 10; bit++ {
		x := (2*bit + 1) * w / 20
		y := h / 8
		if img.Pix[y*img.Stride+x*4] > 128 {
			n |= 1 << bit
		}
	}
	return n
}

// manualClock is a Clock that moves only when told.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newManualClock(t time.Time) *manualClock { return &manualClock{t: t} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// memArchive is an Archive over in-memory clips, for tests that do not
// need HTTP.
type memArchive struct {
	mu    sync.Mutex
	inits map[uint64][]byte
	segs  map[uint64][]byte
	list  []proto.Segment
	fail  map[uint64]error
	calls int
}

func newMemArchive(gens ...*clip) *memArchive {
	a := &memArchive{inits: map[uint64][]byte{}, segs: map[uint64][]byte{}, fail: map[uint64]error{}}
	for i, c := range gens {
		gen := uint64(i + 1)
		a.inits[gen] = c.init
		for j, s := range c.segs {
			h := c.hdrs[j]
			a.segs[h.Seq] = s
			a.list = append(a.list, proto.Segment{Sequence: h.Seq, Start: time.UnixMicro(h.Time).UTC(),
				DurationUS: h.Duration, Duration: int64(h.Duration / 1000), Size: int64(len(s)),
				Keyframe: h.Keyframe(), Generation: gen, Discontinuity: i > 0 && j == 0})
		}
	}
	return a
}

func (a *memArchive) Segments(ctx context.Context, from, to time.Time) ([]proto.Segment, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []proto.Segment
	for _, s := range a.list {
		if !from.IsZero() && s.Start.Add(time.Duration(s.DurationUS)*time.Microsecond).Before(from) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

func (a *memArchive) Init(ctx context.Context, gen uint64) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if b, ok := a.inits[gen]; ok {
		return b, nil
	}
	return nil, ErrMissing
}

func (a *memArchive) Segment(ctx context.Context, seq uint64) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	if err := a.fail[seq]; err != nil {
		return nil, err
	}
	if b, ok := a.segs[seq]; ok {
		return b, nil
	}
	return nil, ErrMissing
}
