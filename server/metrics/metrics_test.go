package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, r *Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", ct)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestExposition(t *testing.T) {
	r := NewRegistry(nil)
	c := r.Counter("proctor_bytes_in_total", "Bytes received.\nFrom Sentinels.")
	c.Add(1500)
	c.Inc()
	g := r.Gauge("proctor_watchers", "Connected watchers.")
	g.Add(3)
	g.Add(-1)
	r.GaugeFunc("proctor_ratio", "A ratio.", func() float64 { return 0.25 })
	r.CounterFunc("proctor_things_total", "Things.", func() float64 { return 7 })
	v := r.CounterVec("proctor_rejected_total", "Refusals.", "code")
	v.Inc("limit")
	v.Inc("limit")
	v.Inc("unauthorized")
	h := r.Histogram("proctor_append_seconds", "Append latency.", nil)
	h.Observe(300 * time.Microsecond)
	h.Observe(2 * time.Second)

	if c.Load() != 1501 || g.Load() != 2 || v.Load("limit") != 2 || v.Load("none") != 0 || h.Count() != 2 {
		t.Fatalf("loads: counter %d gauge %d limit %d count %d", c.Load(), g.Load(), v.Load("limit"), h.Count())
	}
	body := scrape(t, r)
	for _, want := range []string{
		"# HELP proctor_bytes_in_total Bytes received.\\nFrom Sentinels.\n# TYPE proctor_bytes_in_total counter\nproctor_bytes_in_total 1501\n",
		"# TYPE proctor_watchers gauge\nproctor_watchers 2\n",
		"proctor_ratio 0.25\n",
		"# TYPE proctor_things_total counter\nproctor_things_total 7\n",
		`proctor_rejected_total{code="limit"} 2` + "\n",
		`proctor_rejected_total{code="unauthorized"} 1` + "\n",
		"# TYPE proctor_append_seconds histogram\n",
		`proctor_append_seconds_bucket{le="0.0005"} 1` + "\n",
		`proctor_append_seconds_bucket{le="2.5"} 2` + "\n",
		"proctor_append_seconds_count 2\n",
		// The runtime and process collectors.
		"go_goroutines ",
		"go_memstats_heap_alloc_bytes ",
		"process_open_fds ",
		"process_start_time_seconds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if strings.Contains(body, "uptime") {
		t.Errorf("an uptime gauge is back:\n%s", body)
	}
}

// TestRegistriesApart: servers in one process (tests) each have their
// own numbers, and the second registration of a name does not panic.
func TestRegistriesApart(t *testing.T) {
	a, b := NewRegistry(nil), NewRegistry(nil)
	ca := a.Counter("proctor_x_total", "X.")
	cb := b.Counter("proctor_x_total", "X.")
	ca.Add(5)
	if cb.Load() != 0 || !strings.Contains(scrape(t, b), "proctor_x_total 0\n") {
		t.Fatalf("registries share a counter: b = %d", cb.Load())
	}
}
