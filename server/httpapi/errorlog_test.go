package httpapi

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestErrorLogRateLimit: one line per period at the given level; the
// first line after a quiet spell says how many were dropped.
func TestErrorLogRateLimit(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(1000, 0)
	w := &limitedLog{log: slog.New(slog.NewTextHandler(&buf, nil)), level: slog.LevelWarn, every: time.Second,
		now: func() time.Time { return now }}
	for i := range 10 {
		w.Write([]byte("http: Accept error: too many open files\n"))
		now = now.Add(time.Duration(i) * 10 * time.Millisecond)
	}
	now = now.Add(time.Second)
	w.Write([]byte("http: TLS handshake error from 1.2.3.4:5: EOF\n"))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "too many open files") ||
		strings.Contains(lines[0], "dropped") {
		t.Fatalf("first line: %s", lines[0])
	}
	if !strings.Contains(lines[1], "TLS handshake error") || !strings.Contains(lines[1], "dropped=9") {
		t.Fatalf("second line: %s", lines[1])
	}
}
