package server

import (
	"context"
	"testing"
	"time"

	"proctor/proto"
)

// TestSubscribeFrom: a watcher that reconnects resumes from a sequence
// still in the window; one that asks for an evicted sequence starts at the
// latest keyframe and is told what it missed.
func TestSubscribeFrom(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, func(c *Config) { c.Window = time.Second }) // 10 segments
	p := e.publish(t, "cam1", "")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 30; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	waitFor(t, func() bool { // all of it is in the ring or was evicted
		st, ok := e.s.hub.Lookup("cam1")
		return ok && st.Stats().LastSeq == 29
	})

	tests := []struct {
		name      string
		from      uint64
		wantFirst uint64
		skipped   bool
	}{
		{name: "in window", from: 27, wantFirst: 27},
		{name: "evicted", from: 3, wantFirst: 25, skipped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.watch(t)
			from := tt.from
			w.WriteJSON(proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: []string{"cam1"}, From: &from})
			got := collect(t, w, "cam1", int(30-tt.wantFirst))
			if got.seqs[0] != tt.wantFirst || len(got.inits) != 1 {
				t.Fatalf("first %d inits %v, want %d after an init", got.seqs[0], got.inits, tt.wantFirst)
			}
			if tt.skipped != (len(got.skipped) == 1) {
				t.Fatalf("skipped %v", got.skipped)
			}
			if tt.skipped && (got.skipped[0].From != tt.from || got.skipped[0].To != tt.wantFirst-1) {
				t.Fatalf("skipped %+v, want %d..%d", got.skipped[0], tt.from, tt.wantFirst-1)
			}
		})
	}
}

// TestDetailsUpdate: a Sentinel's details message updates its session and
// what watchers see.
func TestDetailsUpdate(t *testing.T) {
	e := startServer(t, nil)
	p := e.publish(t, "cam1", "det")
	p.c.WriteJSON(proto.Details{Type: proto.TypeDetails, Details: map[string]string{"candidate": "Ada", "room": "7"}})
	waitFor(t, func() bool {
		s, err := e.s.meta.Session(context.Background(), "det")
		return err == nil && s.Details["candidate"] == "Ada" && s.Details["room"] == "7"
	})
	waitFor(t, func() bool {
		l := e.s.Sentinels()
		return len(l) == 1 && l[0].Details["candidate"] == "Ada"
	})
}

// TestResumeAfterSessionEnd: a watcher whose connection was cut comes back
// after the Sentinel ended its session and still gets the tail with from.
func TestResumeAfterSessionEnd(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	p := e.publish(t, "cam1", "over")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 20; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	p.c.WriteJSON(proto.End{Type: proto.TypeEnd})
	waitFor(t, func() bool { return len(e.s.Sentinels()) == 0 }) // unlisted: the session is over
	w := e.watch(t)
	from := uint64(12)
	w.WriteJSON(proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: []string{"cam1"}, From: &from})
	got := collect(t, w, "cam1", 8)
	if err := inOrder(got.seqs, 12); err != nil || len(got.inits) != 1 {
		t.Fatalf("resumed after the end: %v, inits %v", err, got.inits)
	}
}
