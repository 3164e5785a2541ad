//go:build !serveronly

package app

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSentinelBadInput runs the sentinel mode with inputs it must refuse
// with one line on stderr and a non-zero status, quickly.
func TestSentinelBadInput(t *testing.T) {
	t.Setenv("PROCTOR_SECRET", "sentinel-app-test-secret-0123")
	t.Setenv("PROCTOR_TOKEN", "")
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String()
	dead.Close()
	garbage := filepath.Join(t.TempDir(), "garbage.mp4")
	os.WriteFile(garbage, []byte("not a video"), 0o644)
	cases := []struct {
		name   string
		args   []string
		code   int
		phrase string
	}{
		{"missing file", []string{"--source", "/nonexistent/clip.mp4"}, 1, "unknown source"},
		{"not a video", []string{"--source", garbage}, 1, "Invalid data"},
		{"unknown source", []string{"--source", "camera"}, 1, "unknown source"},
		{"missing display", []string{"--source", "screen", "--display", ":989"}, 1, "X display :989"},
		{"unreachable server", []string{"--size", "320x240"}, 1, "unreachable"},
		{"unreachable servers", []string{"--size", "320x240", "--server", deadURL + "," + deadURL}, 1, "unreachable"},
		{"bad server list", []string{"--server", deadURL + ",ftp://x"}, 2, "--server"},
		{"empty server in list", []string{"--server", deadURL + ","}, 2, "--server"},
		{"bad size", []string{"--size", "big"}, 2, "--size"},
		{"bad id", []string{"--id", "a/b"}, 2, "--id"},
		{"bad detail", []string{"--detail", "novalue"}, 2, "key=value"},
		{"unknown kind", []string{"--kind", "aquarium"}, 2, "scene"},
		{"bad cue", []string{"--cue", "explode@1s+2s"}, 2, "freeze|away"},
		{"cue period shorter than cue", []string{"--cue", "freeze@1s+20s/10s"}, 2, "cue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"sentinel", "--server", deadURL, "--log-level", "error"}, c.args...)
			start := time.Now()
			code := run(args, &out, &errb)
			msg := strings.TrimSpace(errb.String())
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, msg)
			}
			if c.code == 1 && strings.Count(msg, "\n") != 0 {
				t.Fatalf("stderr is not one line: %q", msg)
			}
			if !strings.Contains(msg, c.phrase) {
				t.Fatalf("stderr %q does not mention %q", msg, c.phrase)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}
