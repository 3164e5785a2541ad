package metrics

import (
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkIngestHotPath compares what the ingest path does per segment
// with the old hand-written atomics (two counter adds) against the client
// library (the same two adds plus the ingest-to-relay histogram
// observation and the clock read it needs), run in parallel as
// publishers are.
func BenchmarkIngestHotPath(b *testing.B) {
	b.Run("atomics", func(b *testing.B) {
		var bytesIn, segmentsIn atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				bytesIn.Add(65536)
				segmentsIn.Add(1)
			}
		})
	})
	b.Run("counters", func(b *testing.B) {
		r := NewRegistry(nil)
		bytesIn, segmentsIn := r.Counter("a_total", "a"), r.Counter("b_total", "b")
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				bytesIn.Add(65536)
				segmentsIn.Inc()
			}
		})
	})
	b.Run("counters+histogram", func(b *testing.B) {
		r := NewRegistry(nil)
		bytesIn, segmentsIn := r.Counter("a_total", "a"), r.Counter("b_total", "b")
		relay := r.Histogram("c_seconds", "c", nil)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				arrived := time.Now()
				bytesIn.Add(65536)
				segmentsIn.Inc()
				relay.Since(arrived)
			}
		})
	})
}
