package ingest

import (
	"context"
	"time"

	"proctor/proto"
	"proctor/server/live"
)

// ClusterWatchdog is what the watchdog asks of a cluster node's live
// registry (bus.Cluster) before abandoning a stale session: whether none
// of the session's Sentinels is held by any node, and whether this node
// took the session's lock. Without it (one node) the watchdog abandons
// alone. A session whose ingest node died then gets abandoned by another
// node after the grace period instead of staying open forever, once.
type ClusterWatchdog interface {
	ClaimAbandon(ctx context.Context, sid string, sentinels []string) (bool, error)
}

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
		if !s.mayAbandon(ctx, sid) {
			continue
		}
		s.setState(owner, sid, proto.SessionAbandoned)
		if owner != nil {
			s.Live.Unlist(owner)
		}
	}
}

// mayAbandon asks the cluster, if any, whether this node abandons sid now.
// An error (Redis unreachable) keeps the session: a Sentinel may hold it
// on a node this one cannot see, and the next tick asks again.
func (s *Core) mayAbandon(ctx context.Context, sid string) bool {
	wd, ok := s.Live.(ClusterWatchdog)
	if !ok {
		return true
	}
	sess, err := s.Meta.Session(ctx, sid)
	if err != nil {
		s.Log.Warn("watchdog: session", "session", sid, "err", err)
		return false
	}
	ok, err = wd.ClaimAbandon(ctx, sid, sess.Sentinels)
	if err != nil {
		s.Log.Warn("watchdog: cluster", "session", sid, "err", err)
		return false
	}
	return ok
}
