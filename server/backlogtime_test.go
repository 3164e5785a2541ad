package server

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/metrics"
)

// TestBacklogKeepsItsTimes (issue 10 defect 9): in a session that began
// ten minutes ago on the server's clock, a Sentinel's backlog dated
// minutes ago keeps its times (they are the truth, not a skewed clock),
// as does a segment a little ahead; a segment dated before the session's
// start minus the tolerance is re-dated to the receive time, and a
// re-dated segment never goes back before the end of the one stored
// before it.
func TestBacklogKeepsItsTimes(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	start := time.Now().Add(-10 * time.Minute)
	if _, err := e.s.meta.StartSession(context.Background(), "backlog", "", nil, start); err != nil {
		t.Fatal(err)
	}
	p := e.publish(t, "cam1", "backlog")
	p.sendInit(t, 1, cl.init)
	now := time.Now()
	sent := []struct {
		name   string
		time   time.Time
		honest bool
	}{
		{"backlog 9 min old", start.Add(time.Minute), true},
		{"backlog 9 min old, next", start.Add(time.Minute + 100*time.Millisecond), true},
		{"backlog 5 min old", now.Add(-5 * time.Minute), true},
		{"30 s before the session's start", start.Add(-30 * time.Second), true},
		{"5 min before the session's start", start.Add(-5 * time.Minute), false},
		{"30 s ahead", now.Add(30 * time.Second), true},
		{"an hour before the session's start", start.Add(-time.Hour), false},
	}
	before := time.Now()
	for i, s := range sent {
		seg := cl.segs[i]
		h := proto.Header{Kind: proto.KindMedia, Sentinel: "cam1", Seq: uint64(i), Time: s.time.UnixMicro(), Duration: seg.dur}
		if seg.key {
			h.Flags = proto.FlagKeyframe
		}
		if err := p.c.WriteMessage(websocket.BinaryMessage, proto.Marshal(h, seg.payload)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, stored(e, "backlog", "cam1", len(sent)))
	after := time.Now()
	recs, err := e.s.store.Segments("backlog", "cam1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Segments lists by time: put the records back in sequence order.
	bySeq := make([]int64, len(sent))
	sentinelTime := make([]int64, len(sent))
	for _, r := range recs {
		bySeq[r.Seq], sentinelTime[r.Seq] = r.Time, r.SentinelTime
	}
	redated := 0
	for i, s := range sent {
		if s.honest {
			if bySeq[i] != s.time.UnixMicro() || sentinelTime[i] != 0 {
				t.Errorf("%s: stored at %v (sentinel time %d), want its own time %v", s.name,
					time.UnixMicro(bySeq[i]), sentinelTime[i], s.time)
			}
			continue
		}
		redated++
		// Not before the receive time, nor before the end of what was
		// stored before it (the segment 30 s ahead).
		floor := before.UnixMicro()
		for j := 0; j < i; j++ {
			floor = max(floor, bySeq[j]+int64(cl.segs[j].dur))
		}
		if bySeq[i] < floor || sentinelTime[i] != s.time.UnixMicro() {
			t.Errorf("%s: stored at %v (sentinel time %d), want from %v on, keeping %d", s.name,
				time.UnixMicro(bySeq[i]), sentinelTime[i], time.UnixMicro(floor), s.time.UnixMicro())
		}
		if i < 6 && bySeq[i] > after.UnixMicro() {
			t.Errorf("%s: stored at %v, after the receive time %v", s.name, time.UnixMicro(bySeq[i]), after)
		}
	}
	if n := e.s.core.Metrics.ClockSkew.(*metrics.Counter).Load(); n != int64(redated) {
		t.Errorf("%d segments counted as skewed, want %d", n, redated)
	}
}
