package server

import (
	"fmt"
	"strings"
	"testing"

	"proctor/proto"
	"proctor/server/auth"
)

// TestMetricsScrape reads /metrics of a real server after real traffic:
// refusals are counted by error code, every stored segment is one
// ingest-to-relay observation, HTTP requests are timed by route pattern
// (never by the raw path with its ids), the runtime and process
// collectors are there, and the uptime gauge is gone.
func TestMetricsScrape(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	p := e.publish(t, "cam1", "exam1")
	p.sendInit(t, 1, cl.init)
	w := e.watch(t, "cam1")
	for i := 0; i < 10; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	collect(t, w, "cam1", 10)
	for i := 0; i < 2; i++ { // two refusals for a bad token
		c, err := e.dial("/v1/watch", "not-a-token")
		if err != nil {
			t.Fatal(err)
		}
		expectError(t, c, proto.CodeUnauthorized)
		c.Close()
	}
	c, err := e.dial("/v1/watch", e.token(auth.RoleReviewer, "r")) // may not watch live
	if err != nil {
		t.Fatal(err)
	}
	expectError(t, c, proto.CodeForbidden)
	c.Close()
	rev := e.token(auth.RoleReviewer, "r")
	for _, sid := range []string{"exam1", "exam2"} {
		get(t, e.http+"/v1/sessions/"+sid, rev)
	}

	_, body := get(t, e.http+"/metrics", e.token(auth.RoleMetrics, "prometheus"))
	for _, want := range []string{
		`proctor_rejected_total{code="unauthorized"} 2`,
		`proctor_rejected_total{code="forbidden"} 1`,
		"proctor_ingest_segments_total 10\n",
		"proctor_ingest_relay_seconds_count 10\n",
		`proctor_http_request_duration_seconds_count{code="200",route="GET /v1/sessions/{sid}"} 1`,
		`proctor_http_request_duration_seconds_count{code="404",route="GET /v1/sessions/{sid}"} 1`,
		"# TYPE proctor_store_append_seconds histogram",
		"# TYPE proctor_store_sync_seconds histogram",
		"proctor_ready 1\n",
		"go_goroutines ",
		"process_open_fds ",
		"process_start_time_seconds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	for _, bad := range []string{"proctor_uptime_seconds", "exam1", "exam2"} {
		if strings.Contains(body, bad) {
			t.Errorf("metrics have %q", bad)
		}
	}
	if t.Failed() {
		fmt.Println(body)
	}
}
