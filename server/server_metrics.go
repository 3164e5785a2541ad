package server

import (
	"context"

	"proctor/server/metrics"
)

// serverMetrics are the counters, gauges and histograms of /metrics, in
// the Server's own registry (s.reg), beside the Go runtime and process
// collectors that metrics.NewRegistry adds (process_start_time_seconds
// replaces the uptime gauge).
type serverMetrics struct {
	bytesIn, segmentsIn     *metrics.Counter
	bytesOut, messagesOut   *metrics.Counter
	skips, duplicates, gaps *metrics.Counter
	writeFailures           *metrics.Counter
	// rejected is labelled by the proto error code of the refusal
	// (code="seed" for the seed protocol, whose refusals are text).
	rejected             *metrics.CounterVec
	publishers, watchers *metrics.Gauge
	// appendLatency and syncLatency are for the store's observation hooks
	// (store.Config.Observe.Append and .Sync, set in New before the store
	// opens); ingestRelay is one observation per media segment, from its
	// arrival in ingestMedia to its publish into the hub.
	appendLatency, syncLatency, ingestRelay *metrics.Histogram
}

// newServerMetrics registers the counters and histograms in r. It needs no
// Server, so New makes it before opening the store that feeds the store
// histograms.
func newServerMetrics(r *metrics.Registry) *serverMetrics {
	return &serverMetrics{
		bytesIn:       r.Counter("proctor_ingest_bytes_total", "Bytes of binary messages received from Sentinels."),
		segmentsIn:    r.Counter("proctor_ingest_segments_total", "Media segments stored and relayed."),
		bytesOut:      r.Counter("proctor_relay_bytes_total", "Bytes of media messages written to watchers."),
		messagesOut:   r.Counter("proctor_relay_messages_total", "Media messages written to watchers."),
		skips:         r.Counter("proctor_skips_total", "Times a watcher fell out of the memory window and was moved to the newest keyframe."),
		duplicates:    r.Counter("proctor_duplicates_total", "Duplicate segments (sequence below the expected one) dropped."),
		gaps:          r.Counter("proctor_gaps_total", "Sequence gaps recorded (segment flagged as a discontinuity)."),
		rejected:      r.CounterVec("proctor_rejected_total", "Connections or messages refused with a protocol error, by error code.", "code"),
		writeFailures: r.Counter("proctor_watcher_write_failures_total", "Watcher connections dropped on a failed or timed-out write."),
		publishers:    r.Gauge("proctor_publishers", "Connected Sentinels."),
		watchers:      r.Gauge("proctor_watchers", "Connected watcher connections."),
		appendLatency: r.Histogram("proctor_store_append_seconds", "Latency of one segment append to the store.", nil),
		syncLatency:   r.Histogram("proctor_store_sync_seconds", "Latency of one fsync of a stream's log and index.", nil),
		ingestRelay:   r.Histogram("proctor_ingest_relay_seconds", "From a media segment's arrival to its publish into the live hub (validation and storage included).", nil),
	}
}

// gauges registers the gauges read from s at scrape time.
func (m *serverMetrics) gauges(s *Server) {
	r := s.reg
	r.GaugeFunc("proctor_ready", "1 while the node is ready (the store can write and the session database answers, as /healthz says), else 0.", func() float64 {
		if len(s.unready(context.Background())) > 0 {
			return 0
		}
		return 1
	})
	r.GaugeFunc("proctor_streams", "Live streams in the memory hub.", func() float64 { return float64(len(s.hub.Streams())) })
	r.GaugeFunc("proctor_subscriptions", "Watcher subscriptions (cursors) over all streams.", func() float64 {
		return float64(s.hub.Totals().Watchers)
	})
	r.GaugeFunc("proctor_ring_bytes", "Bytes held by the memory rings.", func() float64 { return float64(s.hub.Totals().Bytes) })
	r.GaugeFunc("proctor_storage_bytes", "Bytes used by the segment store on disk.", func() float64 { return float64(s.store.Usage()) })
	r.GaugeFunc("proctor_store_free_bytes", "Free bytes on the store's file system as the free-space guard (-min-free) last read them; -1 while the guard is off.", func() float64 {
		return float64(s.store.FreeBytes())
	})
	r.CounterFunc("proctor_store_quarantined_files_total", "Files that recovery set aside in the store's quarantine folder (damaged records, torn tails, unreadable chunks).", func() float64 {
		return float64(s.store.Stats().Quarantined)
	})
	r.CounterFunc("proctor_store_quarantined_bytes_total", "Bytes that recovery set aside in the quarantine folder.", func() float64 {
		return float64(s.store.Stats().QuarantinedBytes)
	})
	r.CounterFunc("proctor_store_write_errors_total", "Appends and syncs that failed or were refused with a retryable error (full disk, I/O error, free-space guard).", func() float64 {
		return float64(s.store.Stats().WriteErrors)
	})
	r.CounterFunc("proctor_http_conns_refused_total", "Connections the listener closed at accept because the total or per-address connection cap (-max-http-conns, -max-http-conns-per-ip) was reached.", func() float64 {
		if l := s.httpListener(); l != nil {
			return float64(l.Refused())
		}
		return 0
	})
	r.GaugeFunc("proctor_store_open_files", "Segment log files open for reading.", func() float64 {
		return float64(s.store.Stats().OpenFiles)
	})
	s.clusterMetrics(r)
}
