package metrics

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is one server's set of metrics. Names must be valid
// Prometheus metric names; registering one twice panics (a programming
// error, found by the first test that starts a server).
type Registry struct {
	reg     *prometheus.Registry
	handler http.Handler
}

// NewRegistry returns a Registry holding the Go runtime collector
// (goroutines, heap, GC) and the process collector (CPU, resident memory,
// open and maximum file descriptors, process_start_time_seconds). Errors
// of a scrape are logged to log (nil: discarded).
func NewRegistry(log *slog.Logger) *Registry {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg, // counts its own scrape errors
	})
	return &Registry{reg: reg, handler: h}
}

// Prometheus returns the underlying registry, for collectors of other
// packages.
func (r *Registry) Prometheus() *prometheus.Registry { return r.reg }

// ServeHTTP serves the metrics in the format the scraper asks for.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.handler.ServeHTTP(w, req)
}

// Counter registers and returns a new counter.
func (r *Registry) Counter(name, help string) *Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	r.reg.MustRegister(c)
	return &Counter{c: c}
}

// CounterVec registers and returns a counter with one label.
func (r *Registry) CounterVec(name, help, label string) *CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
	r.reg.MustRegister(v)
	return &CounterVec{v: v}
}

// Gauge registers and returns a new gauge.
func (r *Registry) Gauge(name, help string) *Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	r.reg.MustRegister(g)
	return &Gauge{g: g}
}

// GaugeFunc registers a gauge read from fn at scrape time.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	r.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// CounterFunc registers a counter read from fn at scrape time.
func (r *Registry) CounterFunc(name, help string, fn func() float64) {
	r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}

// Histogram registers and returns a histogram of durations in seconds
// with the given bucket upper bounds (nil: LatencyBuckets).
func (r *Registry) Histogram(name, help string, buckets []float64) *Histogram {
	if buckets == nil {
		buckets = LatencyBuckets
	}
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	r.reg.MustRegister(h)
	return &Histogram{h: h}
}

// LatencyBuckets span 50 µs to 10 s: a page-cache append takes tens of
// microseconds, an fsync on a busy disk can take seconds.
var LatencyBuckets = []float64{
	0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
	0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
}
