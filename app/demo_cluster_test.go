//go:build !serveronly

package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"proctor/client"
	"proctor/internal/redisproc"
	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/server/auth"
)

// TestDemoClusterHeadless starts `proctor demo --nodes 3` without its
// window: every demo Sentinel, publishing to the ingest node, is listed on
// both edges; a watcher on the second edge (not the app's) receives the
// live, gapless, decodable segments of one of them; and closing the demo
// stops redis-server: its pid is gone and its port is closed.
func TestDemoClusterHeadless(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := startDemo(ctx, t.TempDir(), demoConfig{width: 160, height: 90, fps: 5, nodes: 3}, log)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			d.close()
		}
	}()
	if got := len(d.nodes.nodes); got != 3 || d.nodes.redis == nil {
		t.Fatalf("%d nodes, redis %v: want 3 nodes on a redis-server", got, d.nodes.redis)
	}
	ing, edge1, edge2 := d.nodes.nodes[0], d.nodes.nodes[1], d.nodes.nodes[2]
	if ing.role != "ingest" || edge1.role != "edge" || edge2.role != "edge" || d.nodes.app() != edge1 {
		t.Fatalf("roles %s %s %s, app on %s: want ingest, edge, edge, app on edge1", ing.role, edge1.role, edge2.role, d.nodes.app().id)
	}
	if title := d.title(); !strings.Contains(title, "edge1") || !strings.Contains(title, edge1.url) {
		t.Fatalf("title %q does not name the app's node edge1 at %s", title, edge1.url)
	}
	token := d.signer.Sign(auth.Claims{Role: auth.RoleAdmin, Expiry: time.Now().Add(time.Hour).Unix()})
	want := demoSentinelIDs()
	for _, e := range []*demoNode{edge1, edge2} {
		listedOn(t, e, token, want)
	}

	cfg := client.Config{Server: edge2.url, Token: token, Log: log}
	w := client.NewWatcher(cfg)
	wctx, wcancel := context.WithCancel(ctx)
	werr := make(chan error, 1)
	go func() { werr <- w.Run(wctx) }()
	defer func() {
		wcancel()
		<-werr
	}()
	const id = "exam-ada-cam"
	sub := w.Subscribe(id, nil)
	var mp4 []byte
	var seqs []uint64
	timeout := time.After(60 * time.Second)
	for len(seqs) < 10 {
		select {
		case m, ok := <-sub.C:
			if !ok {
				t.Fatalf("subscription closed after %d segments", len(seqs))
			}
			switch {
			case m.Skipped != nil:
				t.Fatalf("skipped %d..%d after %v", m.Skipped.From, m.Skipped.To, seqs)
			case m.Header.Kind == proto.KindInit:
				if len(seqs) > 0 {
					t.Fatalf("init after media %v", seqs)
				}
				mp4 = append(mp4[:0], m.Payload...)
			default:
				if len(mp4) == 0 {
					t.Fatal("media before the init")
				}
				if n := len(seqs); n > 0 && m.Header.Seq != seqs[n-1]+1 {
					t.Fatalf("segment %d after %d: not gapless", m.Header.Seq, seqs[n-1])
				}
				seqs = append(seqs, m.Header.Seq)
				mp4 = append(mp4, m.Payload...)
			}
		case <-timeout:
			t.Fatalf("edge2 delivered %d live segments of %s in 60 s, want 10", len(seqs), id)
		}
	}
	if n := testmedia.CountFrames(t, mp4); n < len(seqs) {
		t.Fatalf("ffprobe decoded %d frames from %d segments received on edge2", n, len(seqs))
	}

	pid, addr := d.nodes.redis.pid(), d.nodes.redis.addr
	wcancel()
	<-werr
	werr <- nil // the deferred receive
	closed = true
	if err := d.close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("redis-server pid %d after close: kill(0) = %v, want ESRCH", pid, err)
	}
	if err := redisproc.Ping(addr); err == nil {
		t.Fatalf("redis-server still answers on %s after close", addr)
	}
}

// listedOn polls GET /v1/sentinels of node e until every id in want is
// listed, and fails after 30 s (generous: the machine is shared).
func listedOn(t *testing.T, e *demoNode, token string, want []string) {
	t.Helper()
	h := client.NewHistory(client.Config{Server: e.url, Token: token})
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := h.Sentinels(context.Background())
		var got []string
		for _, s := range list {
			got = append(got, s.ID)
		}
		missing := slices.DeleteFunc(slices.Clone(want), func(id string) bool { return slices.Contains(got, id) })
		if err == nil && len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s lists %v (err %v); missing %v", e.id, got, err, missing)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDemoNodesNeedsRedisServer: without redis-server on PATH, --nodes 3
// fails with an error that says to run `make deps`; --nodes 1 needs no
// Redis and starts.
func TestDemoNodesNeedsRedisServer(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	log := slog.New(slog.DiscardHandler)
	key := make([]byte, 32)
	_, err := startDemoNodes(context.Background(), t.TempDir(), 3, key, log)
	if err == nil || !strings.Contains(err.Error(), "make deps") || !strings.Contains(err.Error(), "redis-server") {
		t.Fatalf("--nodes 3 without redis-server: %v, want an error naming redis-server and make deps", err)
	}
	d, err := startDemoNodes(context.Background(), t.TempDir(), 1, key, log)
	if err != nil {
		t.Fatalf("--nodes 1 without redis-server: %v", err)
	}
	if d.redis != nil || len(d.nodes) != 1 {
		t.Fatalf("--nodes 1: %d nodes, redis %v: want one node and no Redis", len(d.nodes), d.redis)
	}
	if err := d.close(); err != nil {
		t.Fatal(err)
	}
}
