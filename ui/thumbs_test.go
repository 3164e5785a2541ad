package ui

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

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"proctor/player"
	"proctor/proto"
)

// recording is a real H.264 fMP4 stream made by the ffmpeg CLI, one
// segment per GOP, with the segment list the server would give for it.
type recording struct {
	init []byte
	segs [][]byte
	list []proto.Segment
}

var (
	recMu    sync.Mutex
	recCache = map[string]*recording{}
)

// makeRecording encodes seconds of testsrc2 at w x h, fps, a keyframe
// every gop frames, starting at t0. Recordings are cached per process.
func makeRecording(tb testing.TB, w, h, fps, gop, seconds int) *recording {
	tb.Helper()
	key := fmt.Sprint(w, h, fps, gop, seconds)
	recMu.Lock()
	defer recMu.Unlock()
	if r, ok := recCache[key]; ok {
		return r
	}
	out := filepath.Join(tb.TempDir(), "rec.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=%dx%d:r=%d:d=%d", w, h, fps, seconds),
		"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", fmt.Sprint(gop), "-keyint_min", fmt.Sprint(gop),
		"-sc_threshold", "0", "-bf", "0", "-threads", "1", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	var boxes [][]byte
	for off := 0; off+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		boxes = append(boxes, b[off:off+n])
		off += n
	}
	r := &recording{init: append(append([]byte(nil), boxes[0]...), boxes[1]...)}
	per := time.Duration(gop) * time.Second / time.Duration(fps)
	for i := 2; i+1 < len(boxes); i += 2 {
		if string(boxes[i][4:8]) != "moof" {
			continue
		}
		seg := append(append([]byte(nil), boxes[i]...), boxes[i+1]...)
		r.list = append(r.list, proto.Segment{Sequence: uint64(len(r.segs)), Start: t0.Add(time.Duration(len(r.segs)) * per),
			DurationUS: uint32(per / time.Microsecond), Size: int64(len(seg)), Keyframe: true})
		r.segs = append(r.segs, seg)
	}
	recCache[key] = r
	return r
}

// mediaArchive is a fakeArchive holding a real recording for every
// Sentinel; its thumbnails are decoded by the player, and counted.
type mediaArchive struct {
	*fakeArchive
	rec     *recording
	decoded int
}

func (a *mediaArchive) Thumbnail(ctx context.Context, sid, id string, seg proto.Segment, width int) (*image.RGBA, error) {
	a.decoded++
	if seg.Sequence >= uint64(len(a.rec.segs)) {
		return nil, fmt.Errorf("no segment %d", seg.Sequence)
	}
	return player.Thumbnail(a.rec.init, a.rec.segs[seg.Sequence], width)
}

func newHoverReview(tb testing.TB, w, h int) (*ReviewScreen, *mediaArchive) {
	rec := makeRecording(tb, w, h, 10, 20, 20) // ten 2 s segments
	arch := &mediaArchive{fakeArchive: &fakeArchive{segments: rec.list}, rec: rec}
	end := at(20)
	s := proto.Session{ID: "exam01", State: proto.SessionClosed, Start: at(0), End: &end, Sentinels: []string{"s02", "s03"}}
	return NewReviewScreen(arch, syncRunner, s), arch
}

func hoverAt(tl *Timeline, x float32) {
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, 30)}})
}

func TestTimelineHoverShowsTheKeyframe(t *testing.T) {
	test.NewTempApp(t)
	r, arch := newHoverReview(t, 640, 360)
	w := test.NewTempWindow(t, container.NewBorder(nil, r.Timeline, nil, nil, r.Timeline.HoverPictures()))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1000, r.Timeline.MinSize().Height+140))
	hoverAt(r.Timeline, 275) // 5.5 s: the keyframe of 4 s
	imgs := r.Timeline.Thumbs()
	if len(imgs) != 2 || imgs[0] == nil || imgs[1] == nil || arch.decoded != 2 {
		t.Fatalf("hover pictures %v after %d decodes", imgs, arch.decoded)
	}
	if b := imgs[0].Bounds(); b.Dx() != thumbWidth || b.Dy() != 90 {
		t.Errorf("picture %v, want %dx90", b, thumbWidth)
	}
	if !r.Timeline.thumbAt.Equal(at(4)) {
		t.Errorf("pictures of %v, want the keyframe at 4 s", r.Timeline.thumbAt.Sub(t0))
	}
	test.AssertRendersToMarkup(t, "timeline_hover.xml", w.Canvas())
	hoverAt(r.Timeline, 210) // 4.2 s and 5.9 s: still the 4 s keyframe, cached
	hoverAt(r.Timeline, 295)
	if arch.decoded != 2 {
		t.Errorf("%d decodes for one keyframe", arch.decoded)
	}
	hoverAt(r.Timeline, 850) // 17 s: the keyframe of 16 s
	if arch.decoded != 4 || !r.Timeline.thumbAt.Equal(at(16)) {
		t.Errorf("%d decodes, pictures of %v", arch.decoded, r.Timeline.thumbAt.Sub(t0))
	}
	r.Timeline.MouseOut()
	if r.Timeline.Thumbs() != nil {
		t.Error("pictures stay after the pointer left")
	}
	hoverAt(r.Timeline, 275) // back again: from the cache
	if arch.decoded != 4 || len(r.Timeline.Thumbs()) != 2 {
		t.Errorf("%d decodes, %d pictures", arch.decoded, len(r.Timeline.Thumbs()))
	}
}

// A segment whose picture fails shows no picture for it, and is not
// fetched again on every move of the pointer.
func TestTimelineHoverOverADamagedSegment(t *testing.T) {
	test.NewTempApp(t)
	r, arch := newHoverReview(t, 320, 180)
	arch.rec = &recording{init: arch.rec.init, segs: [][]byte{[]byte("damaged")}}
	w := test.NewTempWindow(t, r.Timeline)
	w.Resize(fyne.NewSize(1000, r.Timeline.MinSize().Height))
	for x := float32(10); x < 40; x += 5 {
		hoverAt(r.Timeline, x)
	}
	if imgs := r.Timeline.Thumbs(); len(imgs) != 2 || imgs[0] != nil || arch.decoded != 2 {
		t.Errorf("pictures %v after %d decodes", imgs, arch.decoded)
	}
}

// BenchmarkTimelineHoverThumbnail is a hover over a keyframe not yet
// cached, from the pointer event to the pictures of both Sentinels (720p,
// 2 s GOP) set on the timeline: the decoding is real, the segment bytes
// are in memory (the HTTP fetch on loopback comes on top).
func BenchmarkTimelineHoverThumbnail(b *testing.B) {
	test.NewTempApp(b)
	r, arch := newHoverReview(b, 1280, 720)
	w := test.NewWindow(r.Timeline)
	defer w.Close()
	w.Resize(fyne.NewSize(1000, r.Timeline.MinSize().Height))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(arch.rec.segs) == 0 {
			b.StopTimer() // a new, empty cache
			r.thumbs = newThumbs(arch, syncRunner, "exam01", r.Timeline.SetThumbs)
			r.thumbs.setActivity(r.Timeline.Activity())
			r.Timeline.OnHover = r.thumbs.hover
			b.StartTimer()
		}
		hoverAt(r.Timeline, float32(i%len(arch.rec.segs))*100+50)
		if imgs := r.Timeline.Thumbs(); len(imgs) != 2 || imgs[0] == nil {
			b.Fatal("no picture")
		}
	}
}
