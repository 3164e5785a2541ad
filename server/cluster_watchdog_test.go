package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"proctor/client"
	"proctor/internal/testpg"
	"proctor/internal/testredis"
	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/ingest"
)

// watchdogGrace is the grace period of the watchdog tests' nodes: short,
// and longer than the lease TTL, as in production.
const watchdogGrace = 1500 * time.Millisecond

// startPGNode starts node `node` of a cluster on Redis at addr with the
// PostgreSQL metadata database url shared by every node.
func startPGNode(t *testing.T, addr, node, url string) *env {
	t.Helper()
	return startNodeAt(t, addr, node, time.Second, func(c *Config) {
		c.Postgres = url
		c.Grace = watchdogGrace
	})
}

// metaState is sid's state as node e's metadata sees it.
func metaState(t *testing.T, e *env, sid string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := e.s.meta.Session(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	return s.State
}

// TestClusterIngestDiesSessionAbandoned: three nodes on one redis-server
// and one PostgreSQL; a Sentinel publishes to A only. A dies hard (its
// Sentinel and Redis connections reset, no graceful end, its lease lapses)
// and the Sentinel never comes back: after the grace period another node,
// one only, marks the session abandoned, and every node sees it so.
func TestClusterIngestDiesSessionAbandoned(t *testing.T) {
	clip := lowLatencyClip(t)
	srv := testredis.Start(t)
	url := testpg.NewDB(t)
	ra := newTCPProxy(t, srv.Addr)
	a := startPGNode(t, ra.addr(), "nodeA", url)
	ha := newTCPProxy(t, a.http[len("http://"):])
	b := startPGNode(t, srv.Addr, "nodeB", url)
	c := startPGNode(t, srv.Addr, "nodeC", url)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := client.NewPublisher(client.Config{Servers: client.Servers{"http://" + ha.addr()},
		Token: a.token(auth.RoleSentinel, "cam1"), MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond},
		proto.Hello{Sentinel: "cam1", Source: proto.SourceTest}, client.PublishOptions{})
	runErr := make(chan error, 1)
	go func() { runErr <- p.Run(ctx) }()
	defer func() { cancel(); <-runErr }()
	p.Init(1, clip.init)
	t0 := time.Now()
	for i, s := range clip.segs[:10] {
		p.Segment(client.Segment{Time: t0.Add(time.Duration(i) * 100 * time.Millisecond),
			Duration: time.Duration(s.dur) * time.Microsecond, Keyframe: s.key, Payload: s.payload})
	}
	waitFor(t, func() bool { return p.Stats().Session != "" })
	sid := p.Stats().Session
	waitFor(t, stored(a, sid, "cam1", 10))
	if st := metaState(t, b, sid); st != proto.SessionOpen {
		t.Fatalf("session %s on B: %s, want open", sid, st)
	}

	ra.kill()
	ha.kill()
	died := time.Now()
	waitFor(t, func() bool { return metaState(t, b, sid) == proto.SessionAbandoned })
	if d := time.Since(died); d < watchdogGrace-200*time.Millisecond {
		t.Fatalf("abandoned %v after A died, before the grace period %v", d, watchdogGrace)
	}
	for _, e := range []*env{a, c} {
		if st := metaState(t, e, sid); st != proto.SessionAbandoned {
			t.Fatalf("session on %s: %s, want abandoned", e.http, st)
		}
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	by, err := rdb.Get(ctx, "px:watchdog:{"+sid+"}").Result()
	if err != nil || (by != "nodeB" && by != "nodeC") {
		t.Fatalf("abandoned by %q (%v), want one of the live nodes B, C", by, err)
	}
}

// TestClusterWatchdogKeepsMovedSentinel: a session whose Sentinel is
// connected to B is never abandoned by another node, even when that node
// sees its heartbeat as older than the grace period (here: A's watchdog
// runs with a clock ahead by twice the grace period, as a node with a
// skewed clock, or one that reads a heartbeat B has not flushed yet).
// Without the lease check, A abandoned the session under B's Sentinel.
func TestClusterWatchdogKeepsMovedSentinel(t *testing.T) {
	clip := lowLatencyClip(t)
	srv := testredis.Start(t)
	url := testpg.NewDB(t)
	a := startPGNode(t, srv.Addr, "nodeA", url)
	b := startPGNode(t, srv.Addr, "nodeB", url)

	p := b.publish(t, "cam1", "moved")
	p.sendInit(t, 1, clip.init)
	for i, seg := range clip.segs[:5] {
		p.sendSeg(t, uint64(i), seg)
	}
	waitFor(t, stored(b, "moved", "cam1", 5))

	ahead := &ingest.Core{Meta: a.s.meta, Live: a.s.live, Grace: watchdogGrace,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Now().Add(2 * watchdogGrace) }}
	ahead.Tick()
	if st := metaState(t, a, "moved"); st != proto.SessionOpen {
		t.Fatalf("session of a Sentinel connected to B: %s after A's watchdog, want open", st)
	}
}

// TestClusterMarkerReachesOtherNode: a marker posted on node C reaches a
// watcher on node B (px:events), for a session ingested on A.
func TestClusterMarkerReachesOtherNode(t *testing.T) {
	srv := testredis.Start(t)
	url := testpg.NewDB(t)
	a := startPGNode(t, srv.Addr, "nodeA", url)
	b := startPGNode(t, srv.Addr, "nodeB", url)
	c := startPGNode(t, srv.Addr, "nodeC", url)
	a.publish(t, "cam1", "mk")
	w := b.watch(t)
	body := `{"sentinel":"cam1","time":"2026-11-22T10:00:00Z","label":"phone"}`
	req, _ := http.NewRequest("POST", c.http+"/v1/sessions/mk/markers", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token(auth.RoleProctor, "alice"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("add marker on C: %s", resp.Status)
	}
	w.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		m, err := readJSON(w)
		if err != nil {
			t.Fatalf("watcher on B: %v (no marker)", err)
		}
		if ev, ok := m.(*proto.MarkerEvent); ok {
			if ev.Session != "mk" || ev.Label != "phone" || ev.Author != "alice" || ev.ID == 0 {
				t.Fatalf("marker event on B %+v", ev)
			}
			return
		}
	}
}

// TestClusterSentinelMovedKeepsSession: A dies hard, its Sentinel moves to
// B and goes on publishing into the same session: longer than the grace
// period later the session is still open on every node.
func TestClusterSentinelMovedKeepsSession(t *testing.T) {
	clip := lowLatencyClip(t)
	srv := testredis.Start(t)
	url := testpg.NewDB(t)
	ra := newTCPProxy(t, srv.Addr)
	a := startPGNode(t, ra.addr(), "nodeA", url)
	ha := newTCPProxy(t, a.http[len("http://"):])
	b := startPGNode(t, srv.Addr, "nodeB", url)
	c := startPGNode(t, srv.Addr, "nodeC", url)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := client.NewPublisher(client.Config{Servers: client.Servers{"http://" + ha.addr(), b.http},
		Token: a.token(auth.RoleSentinel, "cam1"), MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond},
		proto.Hello{Sentinel: "cam1", Source: proto.SourceTest}, client.PublishOptions{})
	runErr := make(chan error, 1)
	go func() { runErr <- p.Run(ctx) }()
	defer func() { cancel(); <-runErr }()
	p.Init(1, clip.init)
	t0 := time.Now()
	send := func(i int) {
		s := clip.segs[i%len(clip.segs)]
		p.Segment(client.Segment{Time: t0.Add(time.Duration(i) * 100 * time.Millisecond),
			Duration: time.Duration(s.dur) * time.Microsecond, Keyframe: s.key, Payload: s.payload})
	}
	for i := 0; i < 10; i++ {
		send(i)
	}
	waitFor(t, func() bool { return p.Stats().Session != "" })
	sid := p.Stats().Session
	waitFor(t, stored(a, sid, "cam1", 10))
	ra.kill()
	ha.kill()
	waitFor(t, func() bool { return p.Stats().Connects == 2 })
	// Publish on B for twice the grace period, as a live Sentinel does.
	for i := 10; time.Since(t0) < 2*watchdogGrace+2*time.Second; i++ {
		send(i)
		time.Sleep(100 * time.Millisecond)
	}
	for _, e := range []*env{a, b, c} {
		if st := metaState(t, e, sid); st != proto.SessionOpen {
			t.Fatalf("session of the moved Sentinel on %s: %s, want open", e.http, st)
		}
	}
}
