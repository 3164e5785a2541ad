package server

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

// syncBuffer is a log sink the server's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) count(sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Count(s.b.String(), sub)
}

// startServerLog is startServer logging at info level into a buffer.
func startServerLog(t *testing.T) (*env, *syncBuffer) {
	t.Helper()
	cfg := testConfig(t.TempDir())
	logs := &syncBuffer{}
	s, err := New(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{s: s, ws: "ws://" + ln.Addr().String(), http: "http://" + ln.Addr().String(),
		cfg: s.cfg, cancel: cancel, done: make(chan error, 1)}
	e.signer, _ = auth.NewSigner(cfg.Secret)
	go func() { e.done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { e.stop(t) })
	return e, logs
}

// TestGapLogsRateLimited (issue 10, defect 11): a Sentinel that skips a
// sequence number on every segment does not write a log line per gap.
func TestGapLogsRateLimited(t *testing.T) {
	cl := lowLatencyClip(t)
	e, logs := startServerLog(t)
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "gaps")
	p.sendInit(t, 1, cl.init)
	const n = 30
	start := time.Now()
	for i := 0; i < n; i++ {
		p.sendSeg(t, uint64(2*i), cl.segs[i]) // 1, 3, 5... missing
	}
	collect(t, w, "cam1", n)
	took := time.Since(start)
	if got, most := logs.count(`msg="sequence gap"`), 1+int(took/time.Second); got > most {
		t.Fatalf("%d log lines for %d gaps in %v, want at most %d", got, n-1, took, most)
	}
	if e.s.m.gaps.Load() != n-1 {
		t.Fatalf("%d gaps counted, want %d", e.s.m.gaps.Load(), n-1)
	}
}

// TestLastSequence (issue 10, defect 12): sequence 2^64-1 would wrap next
// to 0; it is refused with a clear error, and the Sentinel resumes at it.
func TestLastSequence(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "last")
	p.sendInit(t, 1, cl.init)
	p.sendSeg(t, math.MaxUint64-1, cl.segs[0])
	collect(t, w, "cam1", 1)
	p.sendSeg(t, math.MaxUint64, cl.segs[1])
	expectError(t, p.c, proto.CodeSequence)
	p2 := e.publish(t, "cam1", "last")
	if p2.welcome.Next != math.MaxUint64 {
		t.Fatalf("welcome next %d after the refusal, want %d", p2.welcome.Next, uint64(math.MaxUint64))
	}
}

// TestDetailsThrottled (issue 10, defect 11): details messages are
// applied at most once a second per connection, and the latest wins.
func TestDetailsThrottled(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	ctx := context.Background()
	p := e.publish(t, "cam1", "det")
	p.sendInit(t, 1, cl.init)
	details := func() string {
		s, err := e.s.meta.Session(ctx, "det")
		if err != nil {
			t.Fatal(err)
		}
		return s.Details["n"]
	}
	for i := 0; i < 20; i++ {
		p.c.WriteJSON(proto.Details{Type: proto.TypeDetails, Details: map[string]string{"n": string(rune('a' + i))}})
	}
	time.Sleep(300 * time.Millisecond) // all twenty were read
	if got := details(); got != "a" {
		t.Fatalf("details n=%q right after twenty messages, want the first, a", got)
	}
	time.Sleep(time.Second)
	p.sendSeg(t, 0, cl.segs[0]) // the next message after the second applies the latest
	waitFor(t, func() bool { return details() == "t" })
}
