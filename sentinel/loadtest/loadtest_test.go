package loadtest

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astiav"

	"proctor/server"
	"proctor/server/auth"
)

var secret = []byte("loadtest-secret-0123456789")

// startServer runs a real server on loopback until the test ends and
// returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	srv, err := server.New(server.Config{DataDir: t.TempDir(), Secret: secret, ShutdownTimeout: 3 * time.Second},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

func TestLoadAgainstServer(t *testing.T) {
	astiav.SetLogLevel(astiav.LogLevelError)
	url := startServer(t)
	signer, _ := auth.NewSigner(secret)
	var progress bytes.Buffer
	cfg := Config{
		Server:        url,
		SentinelToken: func(id string) string { return signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id}) },
		WatcherToken:  signer.Sign(auth.Claims{Role: auth.RoleProctor}),
		Sentinels:     4, Watchers: 2, PerWatcher: 3,
		Duration: 3 * time.Second, Drain: 3 * time.Second,
		Width: 320, Height: 240, FPS: 10, GOP: 500 * time.Millisecond,
		InProcess: true, Progress: &progress, ProgressEvery: time.Second,
	}
	r, err := Run(context.Background(), cfg)
	var table bytes.Buffer
	r.WriteTable(&table)
	t.Logf("\n%s%s", progress.String(), table.String())
	if err != nil {
		t.Fatal(err)
	}
	// 4 Sentinels x 3 s / 0.5 s segments, give or take the phase offsets.
	if r.Sent < 16 || r.Delivered < r.Sent || r.Lost != 0 || r.Skipped != 0 {
		t.Fatalf("sent %d delivered %d lost %d skipped %d", r.Sent, r.Delivered, r.Lost, r.Skipped)
	}
	if r.Join.N != 6 || r.Latency.N == 0 || r.Latency.N > int(r.Delivered) {
		t.Fatalf("join samples %d (want 6), latency samples %d", r.Join.N, r.Latency.N)
	}
	for _, want := range []string{"segments lost", "relay latency", "server CPU", "sent"} {
		if !strings.Contains(table.String()+progress.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if r.Ingest != "" || r.Nodes != nil || strings.Contains(table.String(), "watchers on") {
		t.Errorf("a single-server run has a per-node report: %q %+v", r.Ingest, r.Nodes)
	}
}

// TestLoadPerNode: with several URLs the Sentinels publish to the first
// and the watchers are dealt round robin over the rest, and each node's
// figures are its own. Two independent servers share nothing (no bus), so
// the list is A, A, B: the watchers on A (as an edge) get everything, the
// ones on B get nothing, and that loss is B's alone.
func TestLoadPerNode(t *testing.T) {
	astiav.SetLogLevel(astiav.LogLevelError)
	a, b := startServer(t), startServer(t)
	signer, _ := auth.NewSigner(secret)
	cfg := Config{
		Server:        a + "," + a + "," + b,
		SentinelToken: func(id string) string { return signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id}) },
		WatcherToken:  signer.Sign(auth.Claims{Role: auth.RoleProctor}),
		Sentinels:     2, Watchers: 3, PerWatcher: 2,
		Duration: 2 * time.Second, Drain: time.Second,
		Width: 320, Height: 240, FPS: 10, GOP: 500 * time.Millisecond,
		InProcess: true,
	}
	r, err := Run(context.Background(), cfg)
	var table bytes.Buffer
	r.WriteTable(&table)
	t.Logf("\n%s", table.String())
	if !errors.Is(err, ErrLost) {
		t.Fatalf("Run: %v, want ErrLost (the watchers on B see nothing)", err)
	}
	if r.Ingest != a || len(r.Nodes) != 2 || r.Nodes[0].Server != a || r.Nodes[1].Server != b {
		t.Fatalf("ingest %q, nodes %+v", r.Ingest, r.Nodes)
	}
	onA, onB := r.Nodes[0], r.Nodes[1]
	// Watchers 0 and 2 on A, watcher 1 on B; two subscriptions each.
	if onA.Watchers != 2 || onA.Subscriptions != 4 || onB.Watchers != 1 || onB.Subscriptions != 2 {
		t.Errorf("watchers/subscriptions: A %d/%d, B %d/%d", onA.Watchers, onA.Subscriptions, onB.Watchers, onB.Subscriptions)
	}
	if onA.Lost != 0 || onA.Delivered == 0 || onA.Latency.N == 0 || onA.Join.N != 4 {
		t.Errorf("node A: %+v", onA)
	}
	if onB.Delivered != 0 || onB.Lost == 0 || onB.Latency.N != 0 {
		t.Errorf("node B: %+v", onB)
	}
	if onA.Lost+onB.Lost != r.Lost || onA.Delivered+onB.Delivered != r.Delivered {
		t.Errorf("nodes do not add up to the totals: %+v vs lost %d delivered %d", r.Nodes, r.Lost, r.Delivered)
	}
	for _, want := range []string{"sentinels publish to", "watchers on " + a, "watchers on " + b} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestLoadBadServerList(t *testing.T) {
	cfg := Config{Server: "http://a:1,,http://b:2", SentinelToken: func(string) string { return "" }}
	if err := cfg.Validate(); !errors.Is(err, ErrConfig) {
		t.Errorf("Validate: %v, want ErrConfig", err)
	}
}
