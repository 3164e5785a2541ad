package bus

import (
	"context"
	"sync"
	"testing"
	"time"

	"proctor/internal/testredis"
)

func TestFPSTableHighestCurrentRequest(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tab := newFPSTable(time.Second)
	steps := []struct {
		name string
		node string
		fps  float64
		want float64
	}{
		{name: "first request", node: "edge1", fps: 10, want: 10},
		{name: "higher from another node", node: "edge2", fps: 25, want: 25},
		{name: "lower does not lower", node: "edge1", fps: 5, want: 25},
		{name: "highest withdrawn", node: "edge2", fps: 0, want: 5},
		{name: "all withdrawn: own rate", node: "edge1", fps: 0, want: 0},
	}
	for _, s := range steps {
		if got := tab.set("cam1", s.node, s.fps, t0); got != s.want {
			t.Fatalf("%s: %v, want %v", s.name, got, s.want)
		}
	}
	tab.set("cam1", "edge1", 10, t0)
	tab.set("cam1", "edge2", 30, t0.Add(900*time.Millisecond))
	if ch := tab.expireOld(t0.Add(1500 * time.Millisecond)); len(ch) != 0 {
		t.Fatalf("expired %v: edge1's 10 fps is not the highest, nothing changes", ch)
	}
	if ch := tab.expireOld(t0.Add(2 * time.Second)); ch["cam1"] != 0 || len(ch) != 1 {
		t.Fatalf("expired %v, want cam1 back to its own rate", ch)
	}
}

// TestControlReachesOwnerAndAggregatesFPS: a keyframe request from an edge
// reaches the node holding the Sentinel; fps requests from two nodes
// aggregate to the highest; a node that stops refreshing (died) expires.
func TestControlReachesOwnerAndAggregatesFPS(t *testing.T) {
	srv := testredis.Start(t)
	ctx := context.Background()
	leases := NewLeases(client(t, srv), "ingest1", time.Second, nil, quietLog())
	defer leases.Close()
	if _, err := leases.Acquire(ctx, "cam1"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var keyframes []string
	var rates []float64
	owner, err := NewControl(ctx, client(t, srv), "ingest1", ControlConfig{Refresh: 100 * time.Millisecond,
		OnKeyframe: func(s string) { mu.Lock(); keyframes = append(keyframes, s); mu.Unlock() },
		OnFPS:      func(s string, f float64) { mu.Lock(); rates = append(rates, f); mu.Unlock() },
	}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	edge := func(node string) *Control {
		c, err := NewControl(ctx, client(t, srv), node, ControlConfig{Refresh: 100 * time.Millisecond}, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	e1, e2 := edge("edge1"), edge("edge2")
	defer e1.Close()

	if err := e1.RequestKeyframe(ctx, "cam1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "keyframe request", func() bool { mu.Lock(); defer mu.Unlock(); return len(keyframes) == 1 })
	lastRate := func() float64 {
		mu.Lock()
		defer mu.Unlock()
		if len(rates) == 0 {
			return -1
		}
		return rates[len(rates)-1]
	}
	if err := e1.RequestFPS(ctx, "cam1", 10); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "10 fps", func() bool { return lastRate() == 10 })
	if err := e2.RequestFPS(ctx, "cam1", 25); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "25 fps", func() bool { return lastRate() == 25 })
	// edge2 dies: it stops refreshing and its 25 expires back to edge1's 10.
	e2.Close()
	waitFor(t, 3*time.Second, "edge2's request expired", func() bool { return lastRate() == 10 })
	// edge1 is alive and refreshes: its request stays past the expiry.
	time.Sleep(500 * time.Millisecond)
	if r := lastRate(); r != 10 {
		t.Fatalf("rate %v: a refreshed request expired", r)
	}
	if err := e1.RequestFPS(ctx, "cam1", 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "all withdrawn", func() bool { return lastRate() == 0 })
	mu.Lock()
	defer mu.Unlock()
	if keyframes[0] != "cam1" {
		t.Fatalf("keyframe for %q", keyframes[0])
	}
}

func TestControlRejectsBadIDAndIgnoresJunk(t *testing.T) {
	srv := testredis.Start(t)
	ctx := context.Background()
	rdb := client(t, srv)
	var mu sync.Mutex
	n := 0
	c, err := NewControl(ctx, rdb, "ingest1", ControlConfig{OnKeyframe: func(string) { mu.Lock(); n++; mu.Unlock() }}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.RequestKeyframe(ctx, "../x"); err == nil {
		t.Fatal("bad id accepted")
	}
	rdb.Publish(ctx, ctlChannel("ingest1"), "not json")
	rdb.Publish(ctx, ctlChannel("ingest1"), `{"type":"keyframe","sentinel":"a/b"}`)
	rdb.Set(ctx, leaseKey("cam1"), "ingest1", 0)
	if err := c.RequestKeyframe(ctx, "cam1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "the valid request", func() bool { mu.Lock(); defer mu.Unlock(); return n == 1 })
}
