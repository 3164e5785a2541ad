package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"proctor/internal/testmedia"
	"proctor/internal/testredis"
	"proctor/proto"
	"proctor/server/bus"
	"proctor/server/hub"
	"proctor/server/live"
)

// startNode starts a server that is node `node` of a cluster on srv, as
// `proctor server --redis` wires it.
func startNode(t *testing.T, srv *testredis.Server, node string) *env {
	t.Helper()
	return startNodeAt(t, srv.Addr, node, 0, nil)
}

// startNodeAt is startNode with Redis at addr (a proxy, to cut a node off),
// a lease TTL (0: the default) and mod applied to the config.
func startNodeAt(t testing.TB, addr, node string, leaseTTL time.Duration, mod func(*Config)) *env {
	t.Helper()
	return startServer(t, func(c *Config) {
		if mod != nil {
			mod(c)
		}
		c.NewLive = func(h *hub.Hub) (live.Registry, error) {
			mk := func() *redis.Client {
				r := redis.NewClient(&redis.Options{Addr: addr})
				t.Cleanup(func() { r.Close() })
				return r
			}
			return bus.NewCluster(h, mk(), mk(), mk(), bus.ClusterConfig{Node: node, Window: c.Window, LeaseTTL: leaseTTL,
				Control: bus.ControlConfig{Refresh: 100 * time.Millisecond}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		}
	})
}

// collectUntil reads a watcher's messages of id until media sequence last.
func collectUntil(t *testing.T, c *websocket.Conn, id string, last uint64) *received {
	t.Helper()
	r := &received{}
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for len(r.seqs) == 0 || r.seqs[len(r.seqs)-1] != last {
		typ, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("after %d segments: %v", len(r.seqs), err)
		}
		if typ != websocket.BinaryMessage {
			if m, err := proto.DecodeMessage(b); err == nil {
				if sk, ok := m.(*proto.Skipped); ok && sk.Sentinel == id {
					r.skipped = append(r.skipped, *sk)
				}
			}
			continue
		}
		h, _, err := proto.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if h.Sentinel != id {
			continue
		}
		if h.Kind == proto.KindInit {
			if len(r.seqs) > 0 {
				t.Fatalf("init generation %d after media", h.Seq)
			}
			r.inits = append(r.inits, h.Seq)
			continue
		}
		r.seqs = append(r.seqs, h.Seq)
		r.msgs = append(r.msgs, b)
	}
	return r
}

// TestClusterSentinelOnIngestWatchersOnTwoEdges: a Sentinel publishes to
// the ingest node over /v1/ingest; a proctor on each of two edge nodes
// subscribes mid-stream over /v1/watch. Both get the init, then the
// latest keyframe's GOP, then live, gapless and identical, and it decodes.
// A second publisher on an edge gets `conflict`; keyframe and fps requests
// from the edges reach the Sentinel, fps as the highest of both nodes.
func TestClusterSentinelOnIngestWatchersOnTwoEdges(t *testing.T) {
	clip := lowLatencyClip(t) // 40 one-frame segments, a keyframe every 5
	srv := testredis.Start(t)
	ing := startNode(t, srv, "ingest1")
	e1 := startNode(t, srv, "edge1")
	e2 := startNode(t, srv, "edge2")

	p := ing.publish(t, "cam1", "")
	p.sendInit(t, 1, clip.init)
	for seq := 0; seq < 22; seq++ {
		p.sendSeg(t, uint64(seq), clip.segs[seq])
	}
	time.Sleep(300 * time.Millisecond) // into Redis before the edges join
	w1 := e1.watch(t, "cam1")
	w2 := e2.watch(t, "cam1")
	time.Sleep(200 * time.Millisecond) // both joined before live goes on
	for seq := 22; seq < len(clip.segs); seq++ {
		p.sendSeg(t, uint64(seq), clip.segs[seq])
		time.Sleep(5 * time.Millisecond)
	}
	last := uint64(len(clip.segs) - 1)
	r1 := collectUntil(t, w1, "cam1", last)
	r2 := collectUntil(t, w2, "cam1", last)
	for name, r := range map[string]*received{"edge1": r1, "edge2": r2} {
		if len(r.inits) != 1 || r.inits[0] != 1 {
			t.Fatalf("%s: inits %v before media, want [1]", name, r.inits)
		}
		if first := r.seqs[0]; !clip.segs[first].key || first != 20 {
			t.Fatalf("%s: first segment %d, want the latest keyframe 20", name, first)
		}
		if err := inOrder(r.seqs, r.seqs[0]); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if len(r1.msgs) != len(r2.msgs) {
		t.Fatalf("edge1 got %d segments, edge2 %d", len(r1.msgs), len(r2.msgs))
	}
	mp4 := append([]byte(nil), clip.init...)
	for i := range r1.msgs {
		if string(r1.msgs[i]) != string(r2.msgs[i]) {
			t.Fatalf("segment %d differs between the edges", r1.seqs[i])
		}
		_, payload, _ := proto.Decode(r1.msgs[i])
		mp4 = append(mp4, payload...)
	}
	if n := testmedia.CountFrames(t, mp4); n != len(r1.seqs) {
		t.Fatalf("ffprobe decoded %d frames of %d one-frame segments", n, len(r1.seqs))
	}

	// One publisher cluster-wide.
	if _, err := e1.tryPublish("cam1", ""); err == nil || !strings.Contains(err.Error(), proto.CodeConflict) {
		t.Fatalf("second publisher on edge1: %v, want conflict", err)
	}

	// Control from the edges reaches the Sentinel on the ingest node.
	w1.WriteJSON(proto.Keyframe{Type: proto.TypeKeyframe, Sentinel: "cam1"})
	if m, ok := nextControl(t, p.c).(*proto.Keyframe); !ok {
		t.Fatalf("got %#v, want keyframe", m)
	}
	w1.WriteJSON(proto.FPS{Type: proto.TypeFPS, Sentinel: "cam1", FPS: 15})
	expectFPS(t, p.c, 15)
	w2.WriteJSON(proto.FPS{Type: proto.TypeFPS, Sentinel: "cam1", FPS: 30})
	expectFPS(t, p.c, 30)
	w2.WriteJSON(proto.FPS{Type: proto.TypeFPS, Sentinel: "cam1", FPS: 0})
	expectFPS(t, p.c, 15)
}

// healthIs polls /healthz until its status is want.
func healthIs(t *testing.T, e *env, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var h proto.Health
		body := httpGet(t, e.http+"/healthz", "")
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatal(err)
		}
		if h.Status == want {
			if want == "degraded" && h.Reason == "" {
				t.Fatal("degraded without a reason")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz %s, want %s", body, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestClusterRedisKilledMidStream: redis-server is SIGKILLed while a
// Sentinel publishes to the ingest node: the ingest node keeps accepting
// and its local watcher keeps every segment, /healthz says degraded on
// both nodes; Redis restarted (empty), the edge's watcher gets live
// segments again without any restart.
func TestClusterRedisKilledMidStream(t *testing.T) {
	clip := lowLatencyClip(t)
	srv := testredis.Start(t)
	ing := startNode(t, srv, "ingest1")
	edge := startNode(t, srv, "edge1")
	p := ing.publish(t, "cam1", "")
	p.sendInit(t, 1, clip.init)
	local := ing.watch(t, "cam1")
	remote := edge.watch(t, "cam1")
	time.Sleep(200 * time.Millisecond)
	for seq := 0; seq < 10; seq++ {
		p.sendSeg(t, uint64(seq), clip.segs[seq])
	}
	collectUntil(t, remote, "cam1", 9)

	srv.Kill()
	for seq := 10; seq < 20; seq++ {
		p.sendSeg(t, uint64(seq), clip.segs[seq])
		time.Sleep(10 * time.Millisecond)
	}
	healthIs(t, ing, "degraded")
	healthIs(t, edge, "degraded")
	srv.Start()
	healthIs(t, edge, "ok")
	time.Sleep(1500 * time.Millisecond) // the writer's back-off
	for seq := 20; seq < len(clip.segs); seq++ {
		p.sendSeg(t, uint64(seq), clip.segs[seq])
		time.Sleep(10 * time.Millisecond)
	}
	last := uint64(len(clip.segs) - 1)
	rl := collectUntil(t, local, "cam1", last)
	if err := inOrder(rl.seqs, 0); err != nil {
		t.Fatalf("local watcher during the Redis outage: %v", err)
	}
	rr := collectUntil(t, remote, "cam1", last)
	if len(rr.seqs) == 0 {
		t.Fatal("the edge got nothing after Redis came back")
	}
	for i := 1; i < len(rr.seqs); i++ {
		if rr.seqs[i] <= rr.seqs[i-1] {
			t.Fatalf("edge: seq %d after %d", rr.seqs[i], rr.seqs[i-1])
		}
	}
}

// TestClusterEdgeDiesWatcherResumesOnOther: the watcher's edge node goes
// away; it reconnects to another edge with "from" = the next sequence it
// needs and gets exactly the rest, no gap, no skipped report, although
// that edge never followed the stream before.
func TestClusterEdgeDiesWatcherResumesOnOther(t *testing.T) {
	clip := lowLatencyClip(t)
	srv := testredis.Start(t)
	ing := startNode(t, srv, "ingest1")
	e1 := startNode(t, srv, "edge1")
	e2 := startNode(t, srv, "edge2")
	p := ing.publish(t, "cam1", "")
	p.sendInit(t, 1, clip.init)
	w1 := e1.watch(t, "cam1")
	time.Sleep(200 * time.Millisecond)
	for seq := 0; seq < 17; seq++ {
		p.sendSeg(t, uint64(seq), clip.segs[seq])
	}
	got := collectUntil(t, w1, "cam1", 16)
	e1.stop(t)
	for seq := 17; seq < 25; seq++ { // while the watcher reconnects
		p.sendSeg(t, uint64(seq), clip.segs[seq])
	}
	time.Sleep(200 * time.Millisecond)
	w2 := e2.watch(t)
	from := got.seqs[len(got.seqs)-1] + 1
	if err := w2.WriteJSON(proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: []string{"cam1"}, From: &from}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	for seq := 25; seq < len(clip.segs); seq++ {
		p.sendSeg(t, uint64(seq), clip.segs[seq])
	}
	rest := collectUntil(t, w2, "cam1", uint64(len(clip.segs)-1))
	if len(rest.skipped) != 0 {
		t.Fatalf("skipped %v on resume", rest.skipped)
	}
	if err := inOrder(rest.seqs, from); err != nil {
		t.Fatalf("resume on edge2 from %d: %v", from, err)
	}
}
