//go:build !serveronly

package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"proctor/internal/testmedia"
)

// TestDemoSmoke runs the built `proctor demo` under Xvfb and checks, from
// two screenshots a second apart, that the window shows 9 tiles with
// decoded, moving, non-blank pictures, and that the frame-number pattern of
// one tile reads back as a plausible, advancing frame number.
func TestDemoSmoke(t *testing.T) { demoSmoke(t, "demo") }

// demoSmoke runs the built `proctor args...` under Xvfb as TestDemoSmoke
// says, stops it with SIGINT and returns its exit state and output.
func demoSmoke(t *testing.T, args ...string) (*os.ProcessState, []byte) {
	if testing.Short() {
		t.Skip("starts a server, 9 Sentinels and the app")
	}
	for _, tool := range []string{"Xvfb", "import"} {
		testmedia.NeedTool(t, tool)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "proctor")
	build := exec.Command("go", "build", "-o", bin, "proctor")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	display := startXvfb(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Without the scheduled events: a frozen or offline feed would not move
	// between the shots.
	demo := exec.CommandContext(ctx, bin, append(args, "--events=false")...)
	demo.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	logf, err := os.Create(filepath.Join(dir, "demo.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	demo.Stdout, demo.Stderr = logf, logf
	demo.Cancel = func() error { return demo.Process.Signal(os.Interrupt) }
	demo.WaitDelay = 20 * time.Second
	if err := demo.Start(); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	exited := false
	stop := func() {
		if exited {
			return
		}
		exited = true
		cancel()
		if err := demo.Wait(); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("demo exit: %v", err)
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("demo log (tail):\n%s", tail(b, 3000))
		}
	}
	defer stop()

	// Wait (generously: the machine may be busy) until 9 pictures show.
	out := os.Getenv("PROCTOR_SMOKE_SHOTS") // keep the screenshots there when set
	if out == "" {
		out = dir
	}
	var first *image.RGBA
	var tiles []image.Rectangle
	deadline := time.Now().Add(3 * time.Minute)
	for {
		first = screenshot(t, display, filepath.Join(out, "smoke-1.png"))
		tiles = findTiles(first)
		if len(tiles) == 9 && allColourful(first, tiles) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d picture regions %v, want 9 (see %s)", time.Since(started).Round(time.Second), len(tiles), tiles, filepath.Join(out, "smoke-1.png"))
		}
		time.Sleep(2 * time.Second)
	}
	time.Sleep(time.Second)
	second := screenshot(t, display, filepath.Join(out, "smoke-2.png"))
	for i, r := range tiles {
		if f := colourful(second, r); f < 0.4 {
			t.Errorf("tile %d %v is blank in the second shot (%.0f%% colourful)", i, r, f*100)
		}
	}
	// Every tile moves within a few seconds. A screen scene may hold still
	// for a second (a terminal between two lines), so later shots count too.
	moved := make([]bool, len(tiles))
	for shot, later := 2, second; ; shot++ {
		all := true
		for i, r := range tiles {
			moved[i] = moved[i] || changed(first, later, r) >= 0.002
			all = all && moved[i]
		}
		if all || shot == 8 {
			break
		}
		time.Sleep(time.Second)
		later = screenshot(t, display, filepath.Join(out, fmt.Sprintf("smoke-%d.png", shot+1)))
	}
	for i, r := range tiles {
		if !moved[i] {
			t.Errorf("tile %d %v did not move in 7 s", i, r)
		}
	}
	n1, err1 := frameNumber(first, tiles[0])
	n2, err2 := frameNumber(second, tiles[0])
	if err1 != nil || err2 != nil {
		t.Fatalf("frame-number pattern of tile 0 %v: %v / %v", tiles[0], err1, err2)
	}
	elapsed := time.Since(started).Seconds()
	t.Logf("tile 0 shows frames %d then %d; demo up %.0f s", n1, n2, elapsed)
	if n2 <= n1 || n2-n1 > 40 {
		t.Errorf("frame numbers %d then %d a second apart: want a small advance", n1, n2)
	}
	if float64(n2) > elapsed*60 {
		t.Errorf("frame %d after %.0f s is implausible", n2, elapsed)
	}
	stop()
	b, _ := os.ReadFile(logf.Name())
	return demo.ProcessState, b
}

// startXvfb starts Xvfb on a free display and returns ":N".
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 140; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		d := ":" + strconv.Itoa(n)
		x := exec.Command("Xvfb", d, "-screen", "0", "1600x1000x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Process.Kill(); x.Wait() })
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(sock); err == nil {
				return d
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", d)
	}
	t.Fatal("no free X display")
	return ""
}

func screenshot(t *testing.T, display, path string) *image.RGBA {
	t.Helper()
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	return rgba
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
