package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"proctor/client"
	"proctor/internal/testredis"
	"proctor/proto"
	"proctor/server/auth"
)

// TestClusterIngestDiesSentinelResumesElsewhere: three nodes on one
// redis-server; a Sentinel (client.Publisher with Servers {A, B})
// publishes to A, a proctor watches on edge C. A dies: its Sentinel and
// Redis connections are reset at once, with no graceful end, so its lease
// lapses instead of being released. The Sentinel moves to B, is welcomed
// with next = A's last acknowledged + 1 (known from Redis, B never saw the
// stream) and C's watcher sees one sequence across the switch, no gap, no
// duplicate, nothing skipped.
//
// "unwritten": A is cut off from Redis first and acknowledges segments it
// then cannot share (its writer's queue dies with it). The cluster's next
// is then lower than what A acknowledged; the Sentinel still holds those
// segments in its backlog and sends them to B, so C sees no gap either.
func TestClusterIngestDiesSentinelResumesElsewhere(t *testing.T) {
	for _, unwritten := range []int{0, 5} {
		t.Run(fmt.Sprintf("unwritten=%d", unwritten), func(t *testing.T) {
			testIngestDies(t, unwritten)
		})
	}
}

func testIngestDies(t *testing.T, unwritten int) {
	clip := lowLatencyClip(t)
	srv := testredis.Start(t)
	const ttl = time.Second
	ra := newTCPProxy(t, srv.Addr) // A's Redis connections
	a := startNodeAt(t, ra.addr(), "nodeA", ttl, nil)
	ha := newTCPProxy(t, a.http[len("http://"):]) // A's HTTP, as the Sentinel reaches it
	b := startNodeAt(t, srv.Addr, "nodeB", ttl, nil)
	c := startNodeAt(t, srv.Addr, "nodeC", ttl, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := client.NewPublisher(client.Config{Servers: client.Servers{"http://" + ha.addr(), b.http},
		Token: a.token(auth.RoleSentinel, "cam1"), MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond},
		proto.Hello{Sentinel: "cam1", Source: proto.SourceTest}, client.PublishOptions{})
	runErr := make(chan error, 1)
	go func() { runErr <- p.Run(ctx) }()
	t0 := time.Now()
	send := func(from, to int) {
		for i := from; i < to; i++ {
			s := clip.segs[i]
			p.Segment(client.Segment{Time: t0.Add(time.Duration(i) * 100 * time.Millisecond),
				Duration: time.Duration(s.dur) * time.Microsecond, Keyframe: s.key, Payload: s.payload})
			time.Sleep(5 * time.Millisecond)
		}
	}
	p.Init(1, clip.init)
	w := c.watch(t, "cam1")
	send(0, 20)
	got := collectUntil(t, w, "cam1", 19) // A stored, acknowledged and shared 0..19

	acked := 19
	if unwritten > 0 {
		ra.kill() // A loses Redis first: what it acknowledges now is never shared
		send(20, 20+unwritten)
		acked += unwritten
		waitFor(t, stored(a, p.Stats().Session, "cam1", acked+1))
	}
	ra.kill()
	ha.kill()
	send(acked+1, len(clip.segs))
	last := uint64(len(clip.segs) - 1)
	rest := collectUntil(t, w, "cam1", last)
	all := append(got.seqs, rest.seqs...)
	if len(got.skipped)+len(rest.skipped) != 0 {
		t.Fatalf("skipped %v %v across the switch", got.skipped, rest.skipped)
	}
	if err := inOrder(all, all[0]); err != nil {
		t.Fatalf("edge C across the switch: %v (%v)", err, all)
	}
	st := p.Stats()
	if st.Connects != 2 {
		t.Fatalf("stats %+v, want 2 connects (A, then B)", st)
	}
	// B welcomed the Sentinel at the cluster's next: it stored nothing
	// before 20 (the Sentinel re-sent only what A acknowledged but never
	// shared, and what was in flight to A when it died).
	recs, err := b.s.store.Segments(st.Session, "cam1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if first := 20; len(recs) == 0 || recs[0].Seq != uint64(first) || len(recs) != len(clip.segs)-first {
		t.Fatalf("B stored %d segments from %v, want %d..%d", len(recs), recs, first, last)
	}
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
}
