package server

import "proctor/server/metrics"

// clusterStatus is what a cluster node's live registry (bus.Cluster)
// tells /healthz and /metrics about its Redis link; the in-process
// registry has none.
type clusterStatus interface {
	// Degraded says why live streams are not shared right now ("" when
	// they are): Redis is unreachable.
	Degraded() string
	// RedisCounters: whether Redis answers, and the live segments that
	// could not be shared (queue full, or Redis failed).
	RedisCounters() (up bool, dropped, failed uint64)
}

// clusterMetrics adds the Redis link's gauges for a cluster node.
func (s *Server) clusterMetrics(r *metrics.Registry) {
	cs, ok := s.live.(clusterStatus)
	if !ok {
		return
	}
	r.GaugeFunc("proctor_redis_up", "1 while the cluster's Redis answers, 0 while live streams are not shared.", func() float64 {
		if up, _, _ := cs.RedisCounters(); up {
			return 1
		}
		return 0
	})
	r.CounterFunc("proctor_redis_dropped_total", "Live segments not shared because the Redis write queue was full.", func() float64 {
		_, d, _ := cs.RedisCounters()
		return float64(d)
	})
	r.CounterFunc("proctor_redis_failed_total", "Live segments not shared because Redis refused them or was unreachable.", func() float64 {
		_, _, f := cs.RedisCounters()
		return float64(f)
	})
}

// healthStatus is "ok", or "degraded" with the reason.
func (s *Server) healthStatus() (status, reason string) {
	if cs, ok := s.live.(clusterStatus); ok {
		if r := cs.Degraded(); r != "" {
			return "degraded", r
		}
	}
	return "ok", ""
}
