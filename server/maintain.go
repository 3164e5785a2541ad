package server

import (
	"context"
	"time"

	"proctor/proto"
)

// maintain runs every HeartbeatEvery: session heartbeats with the quality
// counters, stalled detection, stats events for watchers, and the
// watchdog that abandons sessions whose Sentinel did not come back.
func (s *Server) maintain(ctx context.Context) {
	defer s.bg.Done()
	t := time.NewTicker(s.cfg.HeartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.tick()
		}
	}
}

func (s *Server) tick() {
	now := s.now()
	for _, sn := range s.live.list() {
		sn.mu.Lock()
		connected := sn.pub != nil
		if connected {
			state := proto.SentinelLive
			if now.Sub(sn.lastSeg) > s.cfg.StallAfter {
				state = proto.SentinelStalled
			}
			sn.info.State = state
		}
		sn.mu.Unlock()
		if connected {
			s.flushProgress(sn)
		}
		s.live.changed(sn)
	}
	s.watchdog(now)
	s.hub.Sweep(now)
}

// watchdog abandons waiting and open sessions without a heartbeat for
// longer than the grace period.
func (s *Server) watchdog(now time.Time) {
	ctx, cancel := s.dbctx()
	defer cancel()
	stale, err := s.meta.Stale(ctx, now.Add(-s.cfg.Grace))
	if err != nil {
		s.log.Warn("watchdog", "err", err)
		return
	}
	for _, sid := range stale {
		var owner *sentinel
		busy := false
		for _, sn := range s.live.list() {
			sn.mu.Lock()
			if sn.info.Session == sid {
				busy = busy || sn.pub != nil
				owner = sn
			}
			sn.mu.Unlock()
		}
		if busy {
			continue // connected: its next heartbeat comes with the next tick
		}
		s.setState(owner, sid, proto.SessionAbandoned)
		if owner != nil {
			s.live.unlist(owner)
		}
	}
}
