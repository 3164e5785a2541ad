package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Counter is a monotonically increasing count. Its Add takes an int64
// because the callers count bytes and messages; whole numbers take the
// client library's integer fast path (one atomic add).
type Counter struct{ c prometheus.Counter }

// Add adds n (n >= 0; a negative n panics, as the library does).
func (c *Counter) Add(n int64) { c.c.Add(float64(n)) }

// Inc adds 1.
func (c *Counter) Inc() { c.c.Inc() }

// Load returns the current value (for tests and logs: it builds a
// protobuf message, so keep it off hot paths).
func (c *Counter) Load() int64 { return int64(value(c.c)) }

// CounterVec is a counter with one label whose values are few and known
// (error codes), so the number of series stays bounded.
type CounterVec struct{ v *prometheus.CounterVec }

// Inc adds 1 to the series of label value l.
func (c *CounterVec) Inc(l string) { c.v.WithLabelValues(l).Inc() }

// Load returns the value of the series of l (0 if it has none).
func (c *CounterVec) Load(l string) int64 { return int64(value(c.v.WithLabelValues(l))) }

// Gauge is a value that goes up and down.
type Gauge struct{ g prometheus.Gauge }

// Add adds n, which may be negative.
func (g *Gauge) Add(n int64) { g.g.Add(float64(n)) }

// Set sets the value.
func (g *Gauge) Set(n int64) { g.g.Set(float64(n)) }

// Load returns the current value (see Counter.Load).
func (g *Gauge) Load() int64 { return int64(value(g.g)) }

// Histogram counts durations into buckets, in seconds.
type Histogram struct{ h prometheus.Histogram }

// Observe records d.
func (h *Histogram) Observe(d time.Duration) { h.h.Observe(d.Seconds()) }

// Since records the time elapsed since t.
func (h *Histogram) Since(t time.Time) { h.h.Observe(time.Since(t).Seconds()) }

// Count returns how many durations were recorded (see Counter.Load).
func (h *Histogram) Count() uint64 {
	var m dto.Metric
	if h.h.Write(&m) != nil {
		return 0
	}
	return m.GetHistogram().GetSampleCount()
}

// value reads a counter's or gauge's current value.
func value(m prometheus.Metric) float64 {
	var d dto.Metric
	if m.Write(&d) != nil {
		return 0
	}
	if c := d.GetCounter(); c != nil {
		return c.GetValue()
	}
	return d.GetGauge().GetValue()
}
