package sentinel

import (
	"bytes"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"proctor/sentinel/pattern"
)

// decodeGray decodes path with the ffmpeg CLI to w x h gray pictures.
func decodeGray(t *testing.T, path string, w, h int) [][]byte {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-v", "error", "-i", path, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v\n%s", path, err, stderr.String())
	}
	var pics [][]byte
	for len(out) >= w*h {
		pics = append(pics, out[:w*h])
		out = out[w*h:]
	}
	return pics
}

// changed counts the pixels of the region [x0,x1) x [y0,y1) (fractions of
// the picture, below the frame-number band) that differ by more than 24
// levels between two gray pictures.
func changed(a, b []byte, w, h int, x0, y0, x1, y1 float64) int {
	n := 0
	for y := max(int(y0*float64(h)), pattern.Band(h)); y < int(y1*float64(h)); y++ {
		for x := int(x0 * float64(w)); x < int(x1*float64(w)); x++ {
			d := int(a[y*w+x]) - int(b[y*w+x])
			if d > 24 || d < -24 {
				n++
			}
		}
	}
	return n
}

// runScene runs a Sentinel with cfg for n frames and returns its decoded
// pictures, after checking they carry frame numbers want(i).
func runScene(t *testing.T, cfg Config, n int, want func(i int) uint64) ([][]byte, *Sentinel) {
	t.Helper()
	c := newCollector()
	s, err := New(cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	runFrames(t, s, n, nil)
	if c.err != nil {
		t.Fatal(c.err)
	}
	path := c.file(t, 1)
	if got, wantProbe := ffprobe(t, path), fmt.Sprintf("h264,%d,%d,%d", cfg.Width, cfg.Height, n); got != wantProbe {
		t.Fatalf("ffprobe: %s, want %s", got, wantProbe)
	}
	pics := decodeGray(t, path, cfg.Width, cfg.Height)
	if len(pics) != n {
		t.Fatalf("decoded %d pictures, want %d", len(pics), n)
	}
	for i, p := range pics {
		got, err := pattern.DecodeY(p, cfg.Width, cfg.Width, cfg.Height)
		if err != nil {
			t.Fatalf("picture %d: %v", i, err)
		}
		if got != want(i) {
			t.Fatalf("picture %d shows frame %d, want %d", i, got, want(i))
		}
	}
	return pics, s
}

func ident(i int) uint64 { return uint64(i) }

func TestScenesDecodeWithFrameNumbers(t *testing.T) {
	for _, tc := range []struct {
		name          string
		scene         string
		width, height int
		// moved is the least share of pixels that change in 6 s: the
		// person moves, on the screen only the typed text grows.
		moved int
	}{
		{"webcam 360p", SceneWebcam, 640, 360, 200},
		{"screen 360p", SceneScreen, 640, 360, 1000},
		{"webcam small", SceneWebcam, 320, 180, 200},
		{"screen 720p", SceneScreen, 1280, 720, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Name: "exam-ada-cam", Source: SourceTest, Scene: tc.scene, Width: tc.width, Height: tc.height, FPS: 5}
			pics, _ := runScene(t, cfg, 30, ident)
			// The scene moves: the first and the last picture differ in
			// more than the clocks.
			if n := changed(pics[0], pics[29], tc.width, tc.height, 0, 0, 1, 1); n < tc.width*tc.height/tc.moved {
				t.Errorf("only %d pixels changed in 6 s", n)
			}
		})
	}
}

func TestSceneKindDeclared(t *testing.T) {
	for scene, want := range map[string]string{"": "test", SceneBars: "test", SceneWebcam: "webcam", SceneScreen: "screen"} {
		cfg := Config{Source: SourceTest, Scene: scene}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		if got := cfg.Kind(); got != want {
			t.Errorf("scene %q: kind %q, want %q", scene, got, want)
		}
	}
	cfg := Config{Source: SourceTest, Scene: "aquarium"}
	if err := cfg.Validate(); err == nil {
		t.Error("scene aquarium accepted")
	}
}

// scenePicture returns the luma plane of the scene at t after its start.
func scenePicture(t *testing.T, src *sceneSource, start time.Time, at time.Duration) []byte {
	t.Helper()
	f, err := src.frame(start.Add(at))
	if err != nil {
		t.Fatal(err)
	}
	y, ys := planeBytes(f, 0, f.Height())
	out := make([]byte, 0, f.Width()*f.Height())
	for row := 0; row < f.Height(); row++ {
		out = append(out, y[row*ys:row*ys+f.Width()]...)
	}
	return out
}

func TestSceneDeterministicFromSeed(t *testing.T) {
	for _, scene := range []string{SceneWebcam, SceneScreen} {
		t.Run(scene, func(t *testing.T) {
			open := func(seed uint64) *sceneSource {
				cfg := Config{Name: "x", Source: SourceTest, Scene: scene, Width: 320, Height: 180, Seed: seed}
				if err := cfg.Validate(); err != nil {
					t.Fatal(err)
				}
				s, err := newSceneSource(&cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(s.close)
				return s
			}
			a, b, other := open(7), open(7), open(8)
			start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			same := 0
			for _, at := range []time.Duration{0, 3 * time.Second, 40 * time.Second, 100 * time.Second} {
				pa, pb, po := scenePicture(t, a, start, at), scenePicture(t, b, start, at), scenePicture(t, other, start, at)
				if !bytes.Equal(pa, pb) {
					t.Errorf("at %v: the same seed drew different pictures", at)
				}
				if bytes.Equal(pa, po) {
					same++
				}
			}
			if same == 4 {
				t.Error("seeds 7 and 8 drew the same pictures")
			}
		})
	}
}

func TestFreezeCueRepeatsPicture(t *testing.T) {
	// At 5 fps, frozen from 2 s (frame 10) to 5 s (frame 25).
	cfg := Config{Name: "exam-ada-cam", Source: SourceTest, Scene: SceneWebcam, Width: 640, Height: 360, FPS: 5,
		Cues: []Cue{{Kind: CueFreeze, At: 2 * time.Second, For: 3 * time.Second}}}
	frozen := func(i int) bool { return i >= 10 && i < 25 }
	pics, s := runScene(t, cfg, 40, func(i int) uint64 {
		if frozen(i) {
			return 10
		}
		return uint64(i)
	})
	if got := s.Stats().Frozen; got != 14 {
		t.Errorf("%d frozen frames, want 14", got)
	}
	w, h := cfg.Width, cfg.Height
	for i := 11; i < 25; i++ {
		// Decoded pictures of one input differ by coding noise only.
		if n := changed(pics[10], pics[i], w, h, 0, 0, 1, 1); n > w*h/1000 {
			t.Errorf("frozen picture %d: %d pixels differ from picture 10", i, n)
		}
	}
	for _, pair := range [][2]int{{0, 9}, {25, 39}} {
		if n := changed(pics[pair[0]], pics[pair[1]], w, h, 0, 0, 1, 1); n < w*h/200 {
			t.Errorf("pictures %d and %d outside the freeze: only %d pixels differ", pair[0], pair[1], n)
		}
	}
}

func TestAwayCueEmptiesPicture(t *testing.T) {
	// A seed in whose first period nobody joins, so the middle of the
	// picture is the empty room while the candidate is away.
	seed := uint64(1)
	for unit(seed, 4000) < 0.4 {
		seed++
	}
	// Away from 1 s to 7 s; after 1.5 s of walking, frames 13 to 35 show
	// the room.
	cfg := Config{Name: "exam-ada-cam", Source: SourceTest, Scene: SceneWebcam, Width: 640, Height: 360, FPS: 5, Seed: seed,
		Cues: []Cue{{Kind: CueAway, At: time.Second, For: 6 * time.Second}}}
	pics, _ := runScene(t, cfg, 60, ident)
	w, h := cfg.Width, cfg.Height
	mid := func(a, b int) int { return changed(pics[a], pics[b], w, h, 0.4, 0.3, 0.6, 0.8) }
	if n := mid(14, 34); n > 0 {
		t.Errorf("away: %d pixels of the middle changed between frames 14 and 34", n)
	}
	for _, pair := range [][2]int{{0, 14}, {14, 50}, {40, 55}} {
		if n := mid(pair[0], pair[1]); n < 200 {
			t.Errorf("frames %d and %d: only %d pixels of the middle differ; the candidate should be there", pair[0], pair[1], n)
		}
	}
}
