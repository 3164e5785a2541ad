package ingest

import (
	"time"

	"proctor/proto"
	"proctor/server/live"
)

// Tick runs every heartbeat period: session heartbeats with the quality
// counters, stalled detection, stats events for watchers, and the
// watchdog that abandons sessions whose Sentinel did not come back.
func (s *Core) Tick() {
	now := s.Now()
	for _, sn := range s.Live.List() {
		if sn.Tick(now, s.StallAfter) {
			s.flushProgress(sn)
		}
		s.Live.Changed(sn)
	}
	s.watchdog(now)
}

// watchdog abandons waiting and open sessions without a heartbeat for
// longer than the grace period.
func (s *Core) watchdog(now time.Time) {
	ctx, cancel := dbctx()
	defer cancel()
	stale, err := s.Meta.Stale(ctx, now.Add(-s.Grace))
	if err != nil {
		s.Log.Warn("watchdog", "err", err)
		return
	}
	for _, sid := range stale {
		var owner *live.Sentinel
		busy := false
		for _, sn := range s.Live.List() {
			if ssid, connected := sn.Session(); ssid == sid {
				busy = busy || connected
				owner = sn
			}
		}
		if busy {
			continue // connected: its next heartbeat comes with the next tick
		}
		s.setState(owner, sid, proto.SessionAbandoned)
		if owner != nil {
			s.Live.Unlist(owner)
		}
	}
}
