//go:build !serveronly

package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"proctor/proto"
	"proctor/sentinel/loadtest"
	"proctor/server/auth"
	"proctor/ui"
)

// Phases of TestUICost.
const (
	costWarmup  = 12 * time.Second
	costMeasure = 15 * time.Second
)

// TestUICost measures the desktop app's CPU and memory with 16, 36 and 64
// live tiles of 360p 5 fps streams replayed by the load tool, against the
// same streams decoded by the player alone (the same adapters, no Fyne),
// in a helper process. It prints figures and asserts nothing; set
// PROCTOR_UICOST=1 to run it (about 3 minutes, needs Xvfb).
func TestUICost(t *testing.T) {
	if os.Getenv("PROCTOR_UICOST") == "" {
		t.Skip("set PROCTOR_UICOST=1 to measure")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "proctor")
	if out, err := exec.Command("go", "build", "-o", bin, "proctor").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	display := startXvfb(t)
	for _, n := range []int{16, 36, 64} {
		srv, token := costLoad(t, n)
		ui := exec.Command(bin, "view", "-server", srv, "-token", token, "-log-level", "error")
		ui.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "HOME="+dir)
		cpu, rss := costMeasureProc(t, ui)
		alone := exec.Command(os.Args[0], "-test.run", "^TestHelperWatch$")
		alone.Env = append(os.Environ(), "PROCTOR_HELPER_WATCH="+strings.Join([]string{srv, token, strconv.Itoa(n)}, " "))
		acpu, arss := costMeasureProc(t, alone)
		t.Logf("%2d tiles: app %5.1f%% CPU %4d MiB RSS | player alone %5.1f%% CPU %4d MiB RSS | UI's own cost %5.1f%% CPU",
			n, cpu, rss>>20, acpu, arss>>20, cpu-acpu)
	}
}

// costLoad starts a server and n replayed Sentinels that run for both
// measurements; it returns the server URL and a proctor token.
func costLoad(t *testing.T, n int) (string, string) {
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.DiscardHandler)
	srv, signer, wait, err := demoServer(ctx, t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := loadtest.Run(ctx, loadtest.Config{Server: srv, Sentinels: n, Watchers: 0, PerWatcher: 1,
			SentinelToken: func(id string) string {
				return signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id})
			},
			Duration: 2*(costWarmup+costMeasure) + 30*time.Second, Width: 640, Height: 360, FPS: 5, Log: log})
		done <- err
	}()
	t.Cleanup(func() { cancel(); <-done; wait() })
	return srv, signer.Sign(auth.Claims{Role: auth.RoleProctor})
}

// costMeasureProc starts cmd, waits costWarmup, and returns its CPU use
// (percent of one core) over costMeasure and its resident memory.
func costMeasureProc(t *testing.T, cmd *exec.Cmd) (float64, int64) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	time.Sleep(costWarmup)
	c0, _ := procCPU(cmd.Process.Pid)
	start := time.Now()
	time.Sleep(costMeasure)
	c1, rss := procCPU(cmd.Process.Pid)
	return (c1 - c0).Seconds() / time.Since(start).Seconds() * 100, rss
}

// procCPU reads a process's user+system CPU time and resident set size.
func procCPU(pid int) (time.Duration, int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	rssPages, _ := strconv.ParseInt(f[21], 10, 64)
	return time.Duration(ut+st) * time.Second / 100, rssPages * int64(os.Getpagesize())
}

// TestHelperWatch is the "player alone" side of TestUICost: it watches
// every live Sentinel with the feed options the grid would use in a
// 1280x800 window and takes frames at display rate, without Fyne.
func TestHelperWatch(t *testing.T) {
	env := os.Getenv("PROCTOR_HELPER_WATCH")
	if env == "" {
		t.Skip("helper process of TestUICost")
	}
	args := strings.Fields(env)
	n, _ := strconv.Atoi(args[2])
	b, err := (&viewDialer{log: slog.New(slog.DiscardHandler)}).Dial(context.Background(), args[0], args[1])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var ids []string
	for ev := range b.Events() {
		if s, ok := ev.(*proto.Sentinels); ok && len(s.Sentinels) >= n {
			for _, x := range s.Sentinels {
				ids = append(ids, x.ID)
			}
			break
		}
	}
	// The grid area of a 1280x800 window (sidebar and toolbar aside).
	area := fyne.NewSize(1008, 752)
	g := ui.AutoGrid(len(ids), area)
	cw := (area.Width - 4*float32(g.Cols-1)) / float32(g.Cols)
	w := int(min(cw, (area.Height-4*float32(g.Rows-1))/float32(g.Rows)*16/9)) &^ 1
	opt := ui.FeedOptions{Width: w, Height: (w * 9 / 16) &^ 1, KeyframesOnly: cw < ui.KeyframeOnlyBelow}
	feeds := make([]ui.Feed, len(ids))
	for i, id := range ids {
		feeds[i] = b.Watch(id, opt)
	}
	tk := time.NewTicker(time.Second / ui.DisplayRate)
	defer tk.Stop()
	for range tk.C {
		for _, f := range feeds {
			f.Frame()
		}
	}
}
