package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExposition(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("proctor_bytes_in_total", "Bytes received.\nFrom Sentinels.")
	c.Add(1500)
	g := r.Gauge("proctor_watchers", "Connected watchers.")
	g.Add(3)
	g.Add(-1)
	r.GaugeFunc("proctor_ratio", "A ratio.", func() float64 { return 0.25 })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	want := `# HELP proctor_bytes_in_total Bytes received.\nFrom Sentinels.
# TYPE proctor_bytes_in_total counter
proctor_bytes_in_total 1500
# HELP proctor_ratio A ratio.
# TYPE proctor_ratio gauge
proctor_ratio 0.25
# HELP proctor_watchers Connected watchers.
# TYPE proctor_watchers gauge
proctor_watchers 2
`
	if got := rec.Body.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", ct)
	}
}
