package server

import (
	"time"

	"proctor/server/metrics"
)

// serverMetrics are the counters and gauges of /metrics.
type serverMetrics struct {
	bytesIn, segmentsIn     *metrics.Counter
	bytesOut, messagesOut   *metrics.Counter
	skips, duplicates, gaps *metrics.Counter
	rejected, writeFailures *metrics.Counter
	publishers, watchers    *metrics.Gauge
}

func newServerMetrics(s *Server) *serverMetrics {
	r := s.reg
	m := &serverMetrics{
		bytesIn:       r.Counter("proctor_ingest_bytes_total", "Bytes of binary messages received from Sentinels."),
		segmentsIn:    r.Counter("proctor_ingest_segments_total", "Media segments stored and relayed."),
		bytesOut:      r.Counter("proctor_relay_bytes_total", "Bytes of media messages written to watchers."),
		messagesOut:   r.Counter("proctor_relay_messages_total", "Media messages written to watchers."),
		skips:         r.Counter("proctor_skips_total", "Times a watcher fell out of the memory window and was moved to the newest keyframe."),
		duplicates:    r.Counter("proctor_duplicates_total", "Duplicate segments (sequence below the expected one) dropped."),
		gaps:          r.Counter("proctor_gaps_total", "Sequence gaps recorded (segment flagged as a discontinuity)."),
		rejected:      r.Counter("proctor_rejected_total", "Connections or messages refused with a protocol error."),
		writeFailures: r.Counter("proctor_watcher_write_failures_total", "Watcher connections dropped on a failed or timed-out write."),
		publishers:    r.Gauge("proctor_publishers", "Connected Sentinels."),
		watchers:      r.Gauge("proctor_watchers", "Connected watcher connections."),
	}
	r.GaugeFunc("proctor_streams", "Live streams in the memory hub.", func() float64 { return float64(len(s.hub.Streams())) })
	r.GaugeFunc("proctor_subscriptions", "Watcher subscriptions (cursors) over all streams.", func() float64 {
		return float64(s.hub.Totals().Watchers)
	})
	r.GaugeFunc("proctor_ring_bytes", "Bytes held by the memory rings.", func() float64 { return float64(s.hub.Totals().Bytes) })
	r.GaugeFunc("proctor_storage_bytes", "Bytes used by the segment store on disk.", func() float64 { return float64(s.store.Usage()) })
	r.GaugeFunc("proctor_uptime_seconds", "Seconds since the server started.", func() float64 { return time.Since(s.start).Seconds() })
	s.clusterMetrics(r)
	return m
}
