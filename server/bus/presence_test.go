package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"proctor/internal/testredis"
)

func TestEventsTailedFromLastIDAcrossNodes(t *testing.T) {
	srv := testredis.Start(t)
	pub := client(t, srv)
	ctx := context.Background()
	// An event before the tail starts: from "" it is not replayed.
	if _, err := PublishEvent(ctx, pub, Event{Type: "sentinel", Sentinel: "cam0", Node: "ingest1", Data: []byte(`{}`)}, 0); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string][]Event{}
	for _, node := range []string{"edge1", "edge2"} {
		r := NewReader(client(t, srv), node, ReaderConfig{}, quietLog())
		defer r.Close()
		if err := r.TailEvents(ctx, "", func(e Event) {
			mu.Lock()
			got[node] = append(got[node], e)
			mu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 20; i++ {
		if _, err := PublishEvent(ctx, pub, Event{Type: "sentinel", Sentinel: fmt.Sprintf("cam%d", i), Node: "ingest1",
			Data: []byte(fmt.Sprintf(`{"state":"live","n":%d}`, i))}, 0); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 5*time.Second, "20 events on both nodes", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got["edge1"]) >= 20 && len(got["edge2"]) >= 20
	})
	mu.Lock()
	defer mu.Unlock()
	for node, es := range got {
		if len(es) != 20 {
			t.Fatalf("%s got %d events, want 20", node, len(es))
		}
		for i, e := range es {
			if e.Sentinel != fmt.Sprintf("cam%d", i+1) || e.Node != "ingest1" || string(e.Data) != fmt.Sprintf(`{"state":"live","n":%d}`, i+1) {
				t.Fatalf("%s event %d = %+v", node, i, e)
			}
		}
	}
}

func TestEventsCatchUpAfterRedisOutage(t *testing.T) {
	srv := testredis.Start(t)
	ctx := context.Background()
	r := NewReader(client(t, srv), "edge1", ReaderConfig{Block: 100 * time.Millisecond}, quietLog())
	defer r.Close()
	var mu sync.Mutex
	var got []string
	if err := r.TailEvents(ctx, "", func(e Event) { mu.Lock(); got = append(got, e.Sentinel); mu.Unlock() }); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	waitFor(t, 5*time.Second, "reader down", func() bool { return !r.Stats().Up })
	srv.Start()
	pub := client(t, srv)
	for _, s := range []string{"a", "b", "c"} {
		if _, err := PublishEvent(ctx, pub, Event{Type: "sentinel", Sentinel: s}, 0); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 5*time.Second, "3 events after the outage", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 3 })
}

func TestRegistryTTLAndReRegistration(t *testing.T) {
	srv := testredis.Start(t)
	rdb := client(t, srv)
	ctx := context.Background()
	a, err := Register(ctx, rdb, NodeInfo{ID: "ingest1", Advertise: "http://127.0.0.1:1", Role: "ingest"}, 300*time.Millisecond, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Register(ctx, rdb, NodeInfo{ID: "edge1", Advertise: "http://127.0.0.1:2", Role: "edge"}, 300*time.Millisecond, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond) // past the TTL: renewal keeps them
	ns, err := Nodes(ctx, rdb)
	if err != nil || len(ns) != 2 {
		t.Fatalf("nodes %+v, %v: want 2 renewed past their TTL", ns, err)
	}
	// A node that dies stops renewing: simulated by stopping the renewal
	// without the clean unregister, then it expires.
	b.cancel()
	b.wg.Wait()
	waitFor(t, 2*time.Second, "edge1 expired", func() bool {
		ok, _ := Alive(ctx, rdb, "edge1")
		return !ok
	})
	ns, _ = Nodes(ctx, rdb)
	if len(ns) != 1 || ns[0].ID != "ingest1" || ns[0].Role != "ingest" {
		t.Fatalf("nodes %+v, want only ingest1", ns)
	}
	if m := rdb.SMembers(ctx, nodesKey).Val(); len(m) != 1 {
		t.Fatalf("px:nodes %v: the dead node was not removed", m)
	}
	// Redis restarts empty: the next renewal registers the node again.
	srv.Kill()
	srv.Start()
	waitFor(t, 5*time.Second, "ingest1 registered again", func() bool {
		ok, _ := Alive(ctx, rdb, "ingest1")
		return ok
	})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := Alive(ctx, rdb, "ingest1"); ok {
		t.Fatal("Close left the node registered")
	}
}

func TestLeaseOnePublisherAndFencing(t *testing.T) {
	srv := testredis.Start(t)
	ctx := context.Background()
	var lostMu sync.Mutex
	var lost []string
	n1 := NewLeases(client(t, srv), "ingest1", 300*time.Millisecond, func(id string) {
		lostMu.Lock()
		lost = append(lost, id)
		lostMu.Unlock()
	}, quietLog())
	defer n1.Close()
	n2 := NewLeases(client(t, srv), "ingest2", 300*time.Millisecond, nil, quietLog())
	defer n2.Close()

	e1, err := n1.Acquire(ctx, "cam1")
	if err != nil || e1 != 1 {
		t.Fatalf("first acquire: epoch %d, %v", e1, err)
	}
	if _, err := n2.Acquire(ctx, "cam1"); !errors.Is(err, ErrConflict) {
		t.Fatalf("second node acquired a held lease: %v", err)
	}
	time.Sleep(700 * time.Millisecond) // renewal keeps it past its TTL
	if _, err := n2.Acquire(ctx, "cam1"); !errors.Is(err, ErrConflict) {
		t.Fatalf("lease lapsed while its node was alive: %v", err)
	}
	if h, _ := Holder(ctx, client(t, srv), "cam1"); h != "ingest1" {
		t.Fatalf("holder %q", h)
	}

	// ingest1 stops renewing (it died): ingest2 takes over with a higher
	// epoch, and a late write of ingest1 is fenced.
	n1.cancel()
	n1.wg.Wait()
	var e2 int64
	waitFor(t, 2*time.Second, "take-over", func() bool {
		e2, err = n2.Acquire(ctx, "cam1")
		return err == nil
	})
	if e2 != 2 {
		t.Fatalf("take-over epoch %d, want 2", e2)
	}
	w, err := NewWriter(client(t, srv), WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	late := media("cam1", 7, 1)
	late.Epoch = e1
	w.Publish(late)
	w.Close()
	if st := w.Stats(); st.Fenced != 1 {
		t.Fatalf("writer stats %+v: the stale node's write was not fenced", st)
	}
	// ingest1's renewal, were it to run now, finds the lease taken.
	n1.renew(ctx)
	lostMu.Lock()
	defer lostMu.Unlock()
	if len(lost) != 1 || lost[0] != "cam1" {
		t.Fatalf("lost %v, want [cam1]", lost)
	}
}

func TestLeaseReleaseAndRetakeAfterRedisRestart(t *testing.T) {
	srv := testredis.Start(t)
	ctx := context.Background()
	rdb := client(t, srv)
	n1 := NewLeases(rdb, "ingest1", 300*time.Millisecond, nil, quietLog())
	defer n1.Close()
	if _, err := n1.Acquire(ctx, "cam1"); err != nil {
		t.Fatal(err)
	}
	// Redis restarts empty: the holder takes its lease back on renewal.
	srv.Kill()
	srv.Start()
	waitFor(t, 3*time.Second, "lease back", func() bool { h, _ := Holder(ctx, rdb, "cam1"); return h == "ingest1" })
	if err := n1.Release(ctx, "cam1"); err != nil {
		t.Fatal(err)
	}
	n2 := NewLeases(rdb, "ingest2", 300*time.Millisecond, nil, quietLog())
	defer n2.Close()
	if _, err := n2.Acquire(ctx, "cam1"); err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
}
