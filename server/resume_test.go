package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"proctor/proto"
)

// TestResumeAfterCut cuts the publisher's connection mid-stream; the
// Sentinel comes back, continues its session from welcome.next (re-sending
// a few segments it was not sure about) and the store has every segment
// exactly once, without a gap.
func TestResumeAfterCut(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "")
	sid := p.welcome.Session
	p.sendInit(t, 1, cl.init)
	const cut = 23
	for i := 0; i < cut; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	collect(t, w, "cam1", cut) // everything before the cut arrived
	p.c.NetConn().Close()      // no close frame: a cut

	p = e.publish(t, "cam1", "") // no session named: the active one continues
	if p.welcome.Session != sid || p.welcome.Next != cut || p.welcome.Generation != 1 {
		t.Fatalf("welcome after cut %+v, want session %s next %d generation 1", p.welcome, sid, cut)
	}
	// The Sentinel re-sends from its last acknowledged point: duplicates.
	for i := cut - 5; i < len(cl.segs); i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	got := collect(t, w, "cam1", len(cl.segs)-cut)
	if err := inOrder(got.seqs, cut); err != nil {
		t.Fatal(err)
	}
	recs, err := e.s.store.Segments(sid, "cam1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(cl.segs) {
		t.Fatalf("stored %d segments, want %d", len(recs), len(cl.segs))
	}
	for i, r := range recs {
		if r.Seq != uint64(i) || r.Flags&proto.FlagDiscontinuity != 0 {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
	if n := e.s.m.duplicates.Load(); n != 5 {
		t.Fatalf("%d duplicates counted, want 5", n)
	}
	if n := e.s.m.gaps.Load(); n != 0 {
		t.Fatalf("%d gaps counted", n)
	}
	sess, err := e.s.meta.Session(context.Background(), sid)
	if err != nil || sess.State != proto.SessionOpen {
		t.Fatalf("session %+v %v, want open", sess, err)
	}
}

// TestGapFlagsDiscontinuity skips sequences: the next segment is stored and
// relayed with the discontinuity flag, and quality drops.
func TestGapFlagsDiscontinuity(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "gappy")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 5; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	for i := 10; i < 15; i++ { // 5..9 lost
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	got := collect(t, w, "cam1", 10)
	h, _, _ := proto.Decode(got.msgs[5])
	if h.Seq != 10 || !h.Discontinuity() {
		t.Fatalf("segment after the gap: %+v, want seq 10 flagged discontinuity", h)
	}
	rec, err := e.s.store.Segment("gappy", "cam1", 10)
	if err != nil || rec.Flags&proto.FlagDiscontinuity == 0 {
		t.Fatalf("stored %+v %v, want the discontinuity flag", rec, err)
	}
	p.c.WriteJSON(proto.End{Type: proto.TypeEnd})
	waitFor(t, func() bool {
		s, err := e.s.meta.Session(context.Background(), "gappy")
		return err == nil && s.State == proto.SessionClosed
	})
	s, _ := e.s.meta.Session(context.Background(), "gappy")
	if s.Quality < 0.66 || s.Quality > 0.67 {
		t.Fatalf("quality %v, want 10/15", s.Quality)
	}
}

// TestAbandonedAfterGrace: a Sentinel that vanishes is listed offline, and
// the watchdog abandons its session once the grace period is over.
func TestAbandonedAfterGrace(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, func(c *Config) { c.Grace = 300 * time.Millisecond; c.HeartbeatEvery = 50 * time.Millisecond })
	p := e.publish(t, "cam1", "gone")
	p.sendInit(t, 1, cl.init)
	p.sendSeg(t, 0, cl.segs[0])
	waitFor(t, func() bool { return len(e.s.Sentinels()) == 1 && e.s.Sentinels()[0].LastSequence == 0 })
	p.c.NetConn().Close()
	waitFor(t, func() bool {
		s, err := e.s.meta.Session(context.Background(), "gone")
		return err == nil && s.State == proto.SessionAbandoned
	})
	waitFor(t, func() bool { return len(e.s.Sentinels()) == 0 })
	// The session is final: publishing into it again is refused.
	_, err := e.tryPublish("cam1", "gone")
	if err == nil || !strings.Contains(err.Error(), proto.CodeSessionClosed) {
		t.Fatalf("publishing into an abandoned session: %v, want %s", err, proto.CodeSessionClosed)
	}
}

// waitFor polls cond (state changes made by other goroutines), failing
// after 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
