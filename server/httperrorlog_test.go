package server

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestHTTPErrorLogAtWarn: failed TLS handshakes, which only net/http's
// own error log sees, reach the log at warn level (they were at debug,
// hidden: defect 12), at most once a second rather than once each.
func TestHTTPErrorLogAtWarn(t *testing.T) {
	cert, key, _ := selfSigned(t)
	cfg := testConfig(t.TempDir())
	cfg.TLSCert, cfg.TLSKey = cert, key
	var buf lockedBuffer
	s, err := New(cfg, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	for range 5 { // plain text to a TLS port
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		c.Read(make([]byte, 512))
		c.Close()
	}
	var lines []string
	for range 100 {
		lines = nil
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, "TLS handshake error") {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(lines) == 0 || len(lines) >= 5 { // one a second: fewer lines than handshakes
		t.Fatalf("%d warn lines for 5 TLS handshake errors, want 1 or a few:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "level=WARN") {
		t.Fatalf("not at warn: %s", lines[0])
	}
}
