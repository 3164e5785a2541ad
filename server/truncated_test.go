package server

import (
	"context"
	"testing"

	"proctor/proto"
)

// TestStorageFailureTruncates: when a segment cannot be stored the
// Sentinel gets an "internal" error and a close, nothing unstored is
// relayed, and the session ends truncated.
func TestStorageFailureTruncates(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "tr")
	p.sendInit(t, 1, cl.init)
	p.sendSeg(t, 0, cl.segs[0])
	collect(t, w, "cam1", 1)
	e.s.store.Close() // the disk goes away
	p.sendSeg(t, 1, cl.segs[1])
	expectError(t, p.c, proto.CodeInternal)
	s, err := e.s.meta.Session(context.Background(), "tr")
	if err != nil || s.State != proto.SessionTruncated {
		t.Fatalf("session %+v %v, want truncated", s, err)
	}
	waitFor(t, func() bool { return len(e.s.Sentinels()) == 0 }) // unlisted
	if got := e.s.m.segmentsIn.Load(); got != 1 {
		t.Fatalf("%d segments relayed, want only the stored one", got)
	}
}
