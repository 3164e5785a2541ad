package server

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/metrics"
)

// TestSentinelClockNotTrusted (issue 10, defect 9): a segment dated an
// hour ahead or behind the server's clock is stored, indexed and relayed
// at the receive time, with the Sentinel's time kept as SentinelTime
// (also after a restart) and counted; one inside the tolerance keeps
// its time.
func TestSentinelClockNotTrusted(t *testing.T) {
	cl := lowLatencyClip(t)
	cfg := testConfig(t.TempDir())
	e := startServerConfig(t, cfg)
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "clock")
	p.sendInit(t, 1, cl.init)
	now := time.Now()
	sent := []struct {
		name   string
		time   time.Time
		honest bool
	}{
		{"an hour ahead", now.Add(time.Hour), false},
		{"an hour behind", now.Add(-time.Hour), false},
		{"ten seconds ahead", now.Add(10 * time.Second), true},
		{"years ago", time.Unix(1_000_000_000, 0), false},
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
	got := collect(t, w, "cam1", len(sent))
	after := time.Now()
	if n := e.s.core.Metrics.ClockSkew.(*metrics.Counter).Load(); n != 3 {
		t.Errorf("%d segments counted as skewed, want 3", n)
	}
	check := func(e *env, when string) {
		recs, err := e.s.store.Segments("clock", "cam1", 0, 0)
		if err != nil || len(recs) != len(sent) {
			t.Fatalf("%s: %d records, %v", when, len(recs), err)
		}
		for i, s := range sent {
			r := recs[i]
			if s.honest {
				if r.Time != s.time.UnixMicro() || r.SentinelTime != 0 {
					t.Errorf("%s: %s: time %d sentinel time %d, want %d and 0", when, s.name, r.Time, r.SentinelTime, s.time.UnixMicro())
				}
				continue
			}
			if r.Time < before.UnixMicro() || r.Time > after.UnixMicro() || r.SentinelTime != s.time.UnixMicro() {
				t.Errorf("%s: %s: time %d sentinel time %d, want the receive time and %d", when, s.name, r.Time, r.SentinelTime, s.time.UnixMicro())
			}
			if when == "live" {
				h, _, _ := proto.Decode(got.msgs[i])
				if h.Time != r.Time {
					t.Errorf("%s: relayed with time %d, stored %d", s.name, h.Time, r.Time)
				}
			}
		}
	}
	check(e, "live")
	e.stop(t)
	check(startServerConfig(t, cfg), "after a restart")
}
