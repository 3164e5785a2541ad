package sentinel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astiav"

	"proctor/internal/testmedia"
)

func TestMain(m *testing.M) {
	astiav.SetLogLevel(astiav.LogLevelError)
	os.Exit(m.Run())
}

// makeClip writes a short clip with the ffmpeg CLI.
func makeClip(t *testing.T, name, lavfi string, args ...string) string {
	t.Helper()
	needTool(t, "ffmpeg")
	p := filepath.Join(t.TempDir(), name)
	cmd := append([]string{"-v", "error", "-f", "lavfi", "-i", lavfi}, args...)
	cmd = append(cmd, "-y", p)
	if out, err := exec.Command("ffmpeg", cmd...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return p
}

func TestFileSource(t *testing.T) {
	needTool(t, "ffprobe")
	cases := []struct {
		name string
		file string
	}{
		{"mp4 clip", makeClip(t, "clip.mp4", "testsrc=size=352x288:rate=25:duration=1", "-c:v", "libx264", "-preset", "ultrafast")},
		{"webm clip", makeClip(t, "clip.webm", "smptebars=size=200x150:rate=10:duration=0.5", "-c:v", "libvpx", "-deadline", "realtime")},
		{"png image", makeClip(t, "still.png", "color=c=blue:size=100x80", "-frames:v", "1")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Source = c.file
			col := newCollector()
			s, err := New(cfg, col)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if cfg := s.Config(); cfg.Kind() != "file" {
				t.Fatalf("kind %q", cfg.Kind())
			}
			// 2.5 s at 10 fps: the clips loop.
			runFrames(t, s, 25, nil)
			if col.err != nil {
				t.Fatal(col.err)
			}
			if got := ffprobe(t, col.file(t, 1)); got != "h264,320,240,25" {
				t.Fatalf("ffprobe: %s", got)
			}
		})
	}
}

func TestFileSourceNativeSize(t *testing.T) {
	cfg := testConfig()
	cfg.Source = makeClip(t, "odd.mp4", "testsrc=size=353x289:rate=10:duration=1", "-c:v", "libx264", "-preset", "ultrafast")
	cfg.NativeSize = true
	col := newCollector()
	s, err := New(cfg, col)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runFrames(t, s, 5, nil)
	if col.err != nil {
		t.Fatal(col.err)
	}
	if len(col.inits) != 1 || col.info[1].Width != 352 || col.info[1].Height != 288 {
		t.Fatalf("%d generations, first %dx%d; want one of 352x288", len(col.inits), col.info[1].Width, col.info[1].Height)
	}
}

func TestScreenSource(t *testing.T) {
	needTool(t, "ffprobe")
	testmedia.NeedTool(t, "Xvfb")
	display := startXvfb(t)
	cfg := testConfig()
	cfg.Source = SourceScreen
	cfg.Display = display
	col := newCollector()
	s, err := New(cfg, col)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runFrames(t, s, 12, nil)
	if col.err != nil {
		t.Fatal(col.err)
	}
	if got := ffprobe(t, col.file(t, 1)); got != "h264,320,240,12" {
		t.Fatalf("ffprobe: %s", got)
	}
}

// startXvfb starts Xvfb on a free display number and returns ":N".
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90 + os.Getpid()%400; n < 1000; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		d := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", d, "-screen", "0", "640x480x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Skipf("start Xvfb: %v", err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return d
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Xvfb on %s did not come up", d)
	}
	t.Skip("no free X display number")
	return ""
}

func TestBadSources(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.mp4")
	os.WriteFile(garbage, []byte("this is not a video at all"), 0o644)
	unreadable := filepath.Join(dir, "secret.mp4")
	os.WriteFile(unreadable, []byte("x"), 0o000)
	cases := []struct {
		name   string
		cfg    func(*Config)
		want   error
		phrase string
	}{
		{"unknown source", func(c *Config) { c.Source = "webcam-please" }, ErrUnknownSource, "webcam-please"},
		{"missing file", func(c *Config) { c.Source = filepath.Join(dir, "nope.mp4") }, ErrUnknownSource, "nope.mp4"},
		{"directory", func(c *Config) { c.Source = dir }, ErrSource, "directory"},
		{"not a video", func(c *Config) { c.Source = garbage }, ErrSource, "garbage.mp4"},
		{"unreadable file", func(c *Config) { c.Source = unreadable }, ErrSource, "secret.mp4"},
		{"missing display", func(c *Config) { c.Source, c.Display = SourceScreen, ":987" }, ErrSource, ":987"},
		{"no display", func(c *Config) { c.Source, c.Display = SourceScreen, "" }, ErrSource, "display"},
		{"missing camera", func(c *Config) { c.Source = "/dev/video99" }, ErrSource, "/dev/video99"},
		{"odd size", func(c *Config) { c.Width = 321 }, ErrConfig, "321"},
		{"fps", func(c *Config) { c.FPS = 1000 }, ErrConfig, "fps"},
		{"missing font", func(c *Config) { c.Font = "/nonexistent.ttf" }, ErrSource, "font"},
	}
	if os.Geteuid() == 0 {
		cases = append(cases[:4], cases[5:]...) // root reads anything
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			c.cfg(&cfg)
			if c.name == "no display" {
				t.Setenv("DISPLAY", "")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				s, err := New(cfg, newCollector())
				if err == nil {
					s.Close()
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-ctx.Done():
				t.Fatal("New hangs")
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if msg := err.Error(); !strings.Contains(msg, c.phrase) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one line naming %q", msg, c.phrase)
			}
		})
	}
}

func TestRunRealTime(t *testing.T) {
	cfg := testConfig()
	cfg.FPS, cfg.GOP, cfg.LowLatency = 20, 500*time.Millisecond, true
	col := newCollector()
	s, err := New(cfg, col)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if col.err != nil {
		t.Fatal(col.err)
	}
	segs := col.segments()
	if len(segs) < 5 {
		t.Fatalf("%d segments in 600 ms at 20 fps", len(segs))
	}
	for i, sg := range segs {
		if sg.FirstFrame != uint64(i) || sg.Frames != 1 {
			t.Fatalf("segment %d: first frame %d, %d frames", i, sg.FirstFrame, sg.Frames)
		}
	}
}
