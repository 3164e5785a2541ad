package server

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"testing"
)

// syscw is this process's count of write system calls so far (write and
// writev each count one), from /proc/self/io.
func syscw(t *testing.T) int {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Fatalf("read /proc/self/io: %v", err)
	}
	for line := range bytes.Lines(raw) {
		if v, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("syscw: ")); ok {
			n, err := strconv.Atoi(string(v))
			if err != nil {
				t.Fatalf("syscw %q: %v", v, err)
			}
			return n
		}
	}
	t.Fatalf("no syscw in /proc/self/io:\n%s", raw)
	return 0
}

// TestLimitedConnWritev: a connection handed out by the limit listener
// keeps the kernel's writev, so net.Buffers (how gorilla/websocket sends
// a frame's header and its payload) go out in one write system call, not
// one per buffer: two calls meant two TCP segments per WebSocket message
// for every seed receiver and fragment (issue 10 part D).
func TestLimitedConnWritev(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newLimitListener(ln, 10, 10, nil, slog.New(slog.DiscardHandler))
	defer l.Close()
	got := acceptAll(l)
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server := <-got
	defer server.Close()
	const writes, size = 20, 100 + 8000
	drained := make(chan error, 1)
	go func() {
		_, err := io.CopyN(io.Discard, client, writes*size)
		drained <- err
	}()
	before := syscw(t)
	for range writes {
		bufs := net.Buffers{make([]byte, 100), make([]byte, 8000)}
		if _, err := bufs.WriteTo(server); err != nil {
			t.Fatal(err)
		}
	}
	calls := syscw(t) - before
	if err := <-drained; err != nil {
		t.Fatal(err)
	}
	// One writev per message; other goroutines of the test binary may
	// add a few writes, never one per message.
	if calls >= writes*3/2 {
		t.Fatalf("%d messages of two buffers took %d write system calls: the connection lost writev", writes, calls)
	}
}
