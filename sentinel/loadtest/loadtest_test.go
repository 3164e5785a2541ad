package loadtest

import (
	"bytes"
	"context"
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

func TestLoadAgainstServer(t *testing.T) {
	astiav.SetLogLevel(astiav.LogLevelError)
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
	defer func() { cancel(); <-done }()

	signer, _ := auth.NewSigner(secret)
	var progress bytes.Buffer
	cfg := Config{
		Server:        "http://" + ln.Addr().String(),
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
}
