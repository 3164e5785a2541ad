package metrics

import (
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkIngestHotPath compares what the ingest path does per segment
// with the old hand-written atomics (two counter adds) against the client
// library: the same two adds, and those plus the ingest-to-relay
// histogram observation with the clock read it needs. Each runs on one
// goroutine and in parallel (publishers share the counters).
func BenchmarkIngestHotPath(b *testing.B) {
	cases := []struct {
		name string
		op   func() func()
	}{
		{"atomics", func() func() {
			var bytesIn, segmentsIn atomic.Int64
			return func() { bytesIn.Add(65536); segmentsIn.Add(1) }
		}},
		{"counters", func() func() {
			r := NewRegistry(nil)
			bytesIn, segmentsIn := r.Counter("a_total", "a"), r.Counter("b_total", "b")
			return func() { bytesIn.Add(65536); segmentsIn.Inc() }
		}},
		{"counters+histogram", func() func() {
			r := NewRegistry(nil)
			bytesIn, segmentsIn := r.Counter("a_total", "a"), r.Counter("b_total", "b")
			relay := r.Histogram("c_seconds", "c", nil)
			return func() {
				arrived := time.Now()
				bytesIn.Add(65536)
				segmentsIn.Inc()
				relay.Since(arrived)
			}
		}},
	}
	for _, c := range cases {
		b.Run(c.name+"/serial", func(b *testing.B) {
			op := c.op()
			for i := 0; i < b.N; i++ {
				op()
			}
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			op := c.op()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					op()
				}
			})
		})
	}
}
