package server

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"proctor/proto"
)

// freeSpace is an injected store.Config.FreeSpace: the disk's free bytes
// are what the test says.
type freeSpace struct{ bytes atomic.Uint64 }

func (f *freeSpace) read(string) (uint64, error) { return f.bytes.Load(), nil }

const (
	testMinFree = 1 << 30
	plentyFree  = 4 << 30
	littleFree  = 100 << 20
)

// guardConfig sets the free-space guard on c, read every 10 ms.
func guardConfig(free *freeSpace) func(*Config) {
	free.bytes.Store(plentyFree)
	return func(c *Config) {
		c.Store.MinFree = testMinFree
		c.Store.FreeSpace = free.read
		c.Store.FreeSpaceEvery = 10 * time.Millisecond
	}
}

// TestFreeSpaceGuardRefuses (issue 10 defect 5, end to end): with no size
// retention, a disk below -min-free makes new segments retryable
// (unavailable, the session stays open), /healthz says 503 with the
// reason, and once space is back the Sentinel resumes at next with
// nothing lost.
func TestFreeSpaceGuardRefuses(t *testing.T) {
	cl := lowLatencyClip(t)
	free := &freeSpace{}
	e := startServer(t, guardConfig(free))
	p := e.publish(t, "cam1", "low")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 5; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	waitFor(t, stored(e, "low", "cam1", 5))

	free.bytes.Store(littleFree)
	waitFor(t, func() bool { code, _ := health(t, e); return code == http.StatusServiceUnavailable })
	if _, why := health(t, e); !strings.Contains(why, "store: ") || !strings.Contains(why, "minimum") {
		t.Fatalf("/healthz reasons %q, want the free-space guard's", why)
	}
	if got := metric(t, e, "proctor_store_free_bytes"); got != littleFree {
		t.Fatalf("proctor_store_free_bytes %v, want %v", got, float64(littleFree))
	}
	p.sendSeg(t, 5, cl.segs[5])
	expectError(t, p.c, proto.CodeUnavailable)
	if st := sessionState(t, e, "low"); st != proto.SessionOpen {
		t.Fatalf("session %s below the minimum, want open", st)
	}
	if got := metric(t, e, "proctor_store_write_errors_total"); got < 1 {
		t.Fatalf("proctor_store_write_errors_total %v, want the refusal counted", got)
	}

	free.bytes.Store(plentyFree)
	waitFor(t, func() bool { code, _ := health(t, e); return code == http.StatusOK })
	p = e.publish(t, "cam1", "low")
	if p.welcome.Next != 5 {
		t.Fatalf("welcome.next %d after the refusal, want 5", p.welcome.Next)
	}
	p.sendInit(t, 1, cl.init)
	for i := 5; i < 10; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	waitFor(t, stored(e, "low", "cam1", 10))
	checkLog(t, e, "low", "cam1", 10)
}

// TestFreeSpaceGuardRetains: with MaxBytes set, a disk below -min-free
// runs size retention at once (not at the next RetainEvery, an hour away)
// and the segment is stored, not refused; the node stays ready.
func TestFreeSpaceGuardRetains(t *testing.T) {
	cl := lowLatencyClip(t)
	free := &freeSpace{}
	guard := guardConfig(free)
	e := startServer(t, func(c *Config) {
		guard(c)
		c.Store.MaxBytes = 16 << 10
		c.Store.ChunkSize = 4 << 10 // several chunks, so there is an oldest one to drop
		c.Store.RetainEvery = time.Hour
	})
	p := e.publish(t, "cam1", "full")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 30; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	waitFor(t, stored(e, "full", "cam1", 30))
	if u := e.s.store.Usage(); u <= 16<<10 {
		t.Fatalf("usage %d before the guard, want above MaxBytes for the test to mean anything", u)
	}

	free.bytes.Store(littleFree)
	time.Sleep(20 * time.Millisecond) // past FreeSpaceEvery: the guard reads again
	p.sendSeg(t, 30, cl.segs[30])
	waitFor(t, func() bool { return e.s.store.Usage() <= 16<<10 })
	waitFor(t, func() bool {
		_, rec, ok := e.s.store.Last("cam1")
		return ok && rec.Seq == 30
	})
	recs, err := e.s.store.Segments("full", "cam1", 0, 0)
	if err != nil || len(recs) == 0 || recs[0].Seq == 0 {
		t.Fatalf("after retention: %d records from %v, %v; want the oldest dropped", len(recs), recs, err)
	}
	if code, why := health(t, e); code != http.StatusOK {
		t.Fatalf("/healthz with retention set: %d %q, want 200", code, why)
	}
	if st := sessionState(t, e, "full"); st != proto.SessionOpen {
		t.Fatalf("session %s, want open", st)
	}
}

// TestFullDiskLongerThanGrace: a Sentinel retrying against a full disk for
// several grace periods keeps its session: each refused reconnect renews
// the heartbeat, so the watchdog does not abandon it, and it resumes with
// its backlog once space is back.
func TestFullDiskLongerThanGrace(t *testing.T) {
	cl := lowLatencyClip(t)
	free := &freeSpace{}
	guard := guardConfig(free)
	e := startServer(t, func(c *Config) {
		guard(c)
		// The watchdog runs every 100 ms; a grace of 1 s leaves a loaded
		// machine room for a refused reconnect, while the disk stays full
		// for four of them.
		c.Grace = time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cp := startClipPublisher(t, ctx, e, cl, "cam1", "grace", 100*time.Millisecond)
	cp.send(0, 5)
	waitFor(t, stored(e, "grace", "cam1", 5))

	free.bytes.Store(littleFree)
	// The guard reads the free space every 10 ms: once /healthz says so,
	// it has, and every segment from now on is refused.
	waitFor(t, func() bool { code, _ := health(t, e); return code == http.StatusServiceUnavailable })
	cp.send(5, 15)
	deadline := time.Now().Add(4 * e.cfg.Grace)
	for time.Now().Before(deadline) {
		if st := sessionState(t, e, "grace"); st != proto.SessionOpen {
			t.Fatalf("session %s while the Sentinel retries against a full disk, want open", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if recs, err := e.s.store.Segments("grace", "cam1", 0, 0); err != nil || len(recs) != 5 {
		t.Fatalf("%d segments stored while the disk was full (%v), want 5", len(recs), err)
	}
	free.bytes.Store(plentyFree)
	waitFor(t, stored(e, "grace", "cam1", 15))
	cp.end(t, ctx)
	if st := sessionState(t, e, "grace"); st != proto.SessionClosed {
		t.Fatalf("session %s after end, want closed", st)
	}
	checkStored(t, e, cp, "grace", "cam1", 15)
}
