package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"proctor/server/auth"
)

// TestHTTPConnsRefusedMetric: connections the listener closes at accept
// for a cap are counted in proctor_http_conns_refused_total, so an
// operator sees clients (or a flood) hitting the per-address or total
// connection limit, which no handler ever sees.
func TestHTTPConnsRefusedMetric(t *testing.T) {
	e := startServer(t, func(c *Config) { c.HTTP.MaxConnsPerIP = 2 })
	addr := strings.TrimPrefix(e.http, "http://")
	if got := metric(t, e, "proctor_http_conns_refused_total"); got != 0 {
		t.Fatalf("proctor_http_conns_refused_total %v before any refusal", got)
	}
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	// Accept takes connections in order, so the held two have the slots.
	for i := range 3 {
		if !refusedAtOnce(t, addr) {
			t.Fatalf("connection %d over the per-address cap of 2 was not refused", i+3)
		}
	}
	for _, c := range held {
		c.Close()
	}
	// The slots come back once the server sees the held connections
	// closed; until then a scrape may be refused too (and counted).
	scraper := e.token(auth.RoleMetrics, "prometheus")
	var body string
	waitFor(t, func() bool {
		req, _ := http.NewRequest("GET", e.http+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+scraper)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		body = string(b)
		return err == nil && resp.StatusCode == http.StatusOK
	})
	if !strings.Contains(body, "\nproctor_http_conns_refused_total ") {
		t.Fatal("metrics lack proctor_http_conns_refused_total")
	}
	if got := metric(t, e, "proctor_http_conns_refused_total"); got < 3 || got != float64(e.s.httpListener().Refused()) {
		t.Fatalf("proctor_http_conns_refused_total %v, want the listener's %d (at least the 3 refused)", got, e.s.httpListener().Refused())
	}
}
