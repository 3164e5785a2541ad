package sentinel

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server"
	"proctor/server/auth"
)

var e2eSecret = []byte("sentinel-test-secret-0123456789")

// testServer is a real server on loopback that can be restarted on the
// same address and data directory.
type testServer struct {
	t      *testing.T
	dir    string
	addr   string
	cancel context.CancelFunc
	done   chan error
}

func startTestServer(t *testing.T, dir, addr string) *testServer {
	t.Helper()
	cfg := server.Config{DataDir: dir, Secret: e2eSecret, Window: 10 * time.Second,
		HeartbeatEvery: 200 * time.Millisecond, Grace: 10 * time.Second, ShutdownTimeout: 3 * time.Second}
	s, err := server.New(cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	for i := 0; ; i++ {
		if ln, err = net.Listen("tcp", addr); err == nil || i == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond) // the old listener's port is being released
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{t: t, dir: dir, addr: ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- s.Serve(ctx, ln) }()
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	ts.cancel()
	if err, ok := <-ts.done; ok {
		close(ts.done)
		if err != nil {
			ts.t.Errorf("serve: %v", err)
		}
	}
}

func (ts *testServer) url() string { return "http://" + ts.addr }

func token(role auth.Role, sub string) string {
	s, _ := auth.NewSigner(e2eSecret)
	return s.Sign(auth.Claims{Role: role, Subject: sub, Expiry: time.Now().Add(time.Hour).Unix()})
}

func fastClient(url, tok string) client.Config {
	return client.Config{Server: url, Token: tok, MinBackoff: 50 * time.Millisecond, MaxBackoff: 300 * time.Millisecond}
}

// received gathers what a watcher subscription delivers.
type received struct {
	init  []byte
	media []client.Media
}

// collect reads sub until cond holds or the timeout passes.
func (r *received) collect(t *testing.T, sub *client.Subscription, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case m, ok := <-sub.C:
			if !ok {
				t.Fatal("subscription closed")
			}
			switch {
			case m.Skipped != nil:
				t.Fatalf("skipped %d..%d", m.Skipped.From, m.Skipped.To)
			case m.Header.Kind == proto.KindInit:
				r.init = m.Payload
			default:
				r.media = append(r.media, m)
			}
		case <-deadline:
			t.Fatalf("timed out after %d segments", len(r.media))
		}
	}
}

func TestPublishToServer(t *testing.T) {
	ts := startTestServer(t, t.TempDir(), "127.0.0.1:0")
	cfg := testConfig()
	cfg.LowLatency = true
	pub, err := NewPublication(cfg, PublishConfig{Client: fastClient(ts.url(), token(auth.RoleSentinel, "cam-1")),
		ID: "cam-1", Session: "exam-1", Details: map[string]string{"candidate": "Ada"}})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- pub.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-runErr; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	w := client.NewWatcher(fastClient(ts.url(), token(auth.RoleProctor, "")))
	wctx, wcancel := context.WithCancel(context.Background())
	wdone := make(chan struct{})
	go func() { w.Run(wctx); close(wdone) }()
	defer func() { wcancel(); w.Close(); <-wdone }()
	sub := w.Subscribe("cam-1", nil)

	var r received
	r.collect(t, sub, 20*time.Second, func() bool { return len(r.media) >= 25 })
	// Keyframe on request: the very next frame (10 fps) is an IDR.
	w.Keyframe("cam-1")
	asked := len(r.media)
	r.collect(t, sub, 10*time.Second, func() bool {
		for _, m := range r.media[asked:] {
			if m.Header.Keyframe() && (m.Header.Seq)%10 != r.media[0].Header.Seq%10 {
				return true
			}
		}
		return len(r.media) > asked+15
	})
	// Frame rate down to 2 fps, then withdrawn.
	w.FPS("cam-1", 2)
	r.collect(t, sub, 20*time.Second, func() bool { return r.media[len(r.media)-1].Header.Duration == 500_000 })
	w.FPS("cam-1", 0)
	r.collect(t, sub, 20*time.Second, func() bool {
		n := len(r.media)
		return r.media[n-1].Header.Duration == 100_000 && r.media[n-2].Header.Duration == 100_000
	})

	var segs [][]byte
	for i, m := range r.media {
		if i > 0 && m.Header.Seq != r.media[i-1].Header.Seq+1 {
			t.Fatalf("sequence %d after %d", m.Header.Seq, r.media[i-1].Header.Seq)
		}
		segs = append(segs, m.Payload)
	}
	nums, err := decodeSegments(r.init, segs)
	if err != nil {
		t.Fatal(err)
	}
	if len(nums) != len(r.media) {
		t.Fatalf("decoded %d pictures of %d segments", len(nums), len(r.media))
	}
	for i := 1; i < len(nums); i++ {
		if nums[i] != nums[i-1]+1 {
			t.Fatalf("picture %d shows %d after %d: a frame is missing", i, nums[i], nums[i-1])
		}
	}
	// The keyframe request was honoured by the frame after it arrived.
	var forced bool
	for _, m := range r.media[asked:] {
		if m.Header.Keyframe() && m.Header.Seq%10 != r.media[0].Header.Seq%10 {
			forced = true
		}
	}
	if !forced {
		t.Error("no keyframe outside the GOP rhythm after the request")
	}
}

func TestPublishResumesAfterServerRestart(t *testing.T) {
	dir := t.TempDir()
	ts := startTestServer(t, dir, "127.0.0.1:0")
	cfg := testConfig()
	cfg.GOP = 500 * time.Millisecond
	cfg.FPS = 10
	pub, err := NewPublication(cfg, PublishConfig{Client: fastClient(ts.url(), token(auth.RoleSentinel, "cam-2")),
		ID: "cam-2", Session: "exam-2"})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- pub.Run(ctx) }()
	waitFor(t, func() bool { return pub.Publisher.Stats().Sent >= 4 })
	ts.stop()
	time.Sleep(700 * time.Millisecond) // segments pile up in the backlog
	ts2 := startTestServer(t, dir, ts.addr)
	waitFor(t, func() bool { st := pub.Publisher.Stats(); return st.Connects >= 2 && st.Sent >= 10 })
	cancel()
	if err := <-runErr; err != nil {
		t.Fatalf("run: %v", err)
	}
	st := pub.Publisher.Stats()
	h := client.NewHistory(fastClient(ts2.url(), token(auth.RoleAdmin, "")))
	segs, err := h.Segments(context.Background(), "exam-2", "cam-2", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(segs)) != st.Segments || st.Dropped != 0 {
		t.Fatalf("stored %d segments, published %d (dropped %d)", len(segs), st.Segments, st.Dropped)
	}
	for i, sg := range segs {
		if sg.Sequence != uint64(i) || sg.Discontinuity {
			t.Fatalf("stored segment %d: sequence %d discontinuity %v", i, sg.Sequence, sg.Discontinuity)
		}
	}
}

func TestPublishRefused(t *testing.T) {
	ts := startTestServer(t, t.TempDir(), "127.0.0.1:0")
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String()
	dead.Close()
	cases := []struct {
		name, url, tok, phrase string
		want                   error
	}{
		{"unreachable", deadURL, token(auth.RoleSentinel, "cam-3"), "unreachable", client.ErrUnreachable},
		{"bad key", ts.url(), "not-a-token", "unauthorized", client.ErrUnauthorized},
		{"other id", ts.url(), token(auth.RoleSentinel, "cam-9"), "forbidden", client.ErrForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pub, err := NewPublication(testConfig(), PublishConfig{Client: fastClient(c.url, c.tok), ID: "cam-3"})
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			err = pub.Run(ctx)
			if ctx.Err() != nil {
				t.Fatal("Run hangs")
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.phrase) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line with %v", err, c.want)
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 20 s")
		}
	}
}
