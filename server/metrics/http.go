package metrics

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// unmatched is the route label of a request no pattern matched (404, 405
// and redirects of the mux), so that scanners probing random paths add
// one series, not one per path.
const unmatched = "unmatched"

// InstrumentHTTP registers proctor_http_request_duration_seconds{route,code}
// and proctor_http_websockets_total{route} and returns next timed by them.
// next must route with an http.ServeMux (directly or wrapped without
// copying the request): the route label is the pattern the mux matched
// (r.Pattern, set in place while serving), never the raw path, which
// holds session and Sentinel ids and would make the series unbounded.
// A WebSocket upgrade is not timed (its duration is the connection's
// life, which would drown the request latencies): it is counted when it
// ends, and its ResponseWriter reaches the handler as it came, so the
// upgrade can hijack it. Call it once per Registry.
func (r *Registry) InstrumentHTTP(next http.Handler) http.Handler {
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "proctor_http_request_duration_seconds",
		Help:    "Duration of plain HTTP requests (WebSocket upgrades excluded), by route pattern and status code.",
		Buckets: LatencyBuckets,
	}, []string{"route", "code"})
	ws := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "proctor_http_websockets_total",
		Help: "WebSocket upgrade requests served (counted when the connection ends), by route pattern.",
	}, []string{"route"})
	r.reg.MustRegister(dur, ws)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if isUpgrade(req) {
			next.ServeHTTP(w, req)
			ws.WithLabelValues(route(req)).Inc()
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, req)
		status := sw.status
		if status == 0 {
			status = http.StatusOK // nothing written: net/http answers 200
		}
		dur.WithLabelValues(route(req), strconv.Itoa(status)).Observe(time.Since(start).Seconds())
	})
}

func route(r *http.Request) string {
	if r.Pattern == "" {
		return unmatched
	}
	return r.Pattern
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// statusWriter remembers the status code of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ReadFrom keeps the underlying writer's ReadFrom (sendfile for segment
// files) reachable through io.Copy.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return io.Copy(w.ResponseWriter, r)
}

// Flush passes a flush on, so streamed exports still stream.
func (w *statusWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
