package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"proctor/client"
	"proctor/server/auth"
)

// TestHealthzReadiness: /healthz is 200 while the store can write and the
// database answers, 503 with the reason while either fails, and 200 again
// once the store recovers; /healthz?live stays 200 throughout (and the
// client's version check uses it), and proctor_ready follows.
func TestHealthzReadiness(t *testing.T) {
	e := startServer(t, nil)
	scraper := e.token(auth.RoleMetrics, "prometheus")
	check := func(path string, want int, reason string) {
		t.Helper()
		code, body := get(t, e.http+path, "")
		var h struct {
			Status  string   `json:"status"`
			Version string   `json:"version"`
			Reasons []string `json:"reasons"`
		}
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatalf("%s: %d %q: %v", path, code, body, err)
		}
		if code != want {
			t.Fatalf("%s: %d, want %d: %s", path, code, want, body)
		}
		wantStatus := "ok"
		if want != http.StatusOK {
			wantStatus = "unready"
		}
		if h.Status != wantStatus || h.Version == "" {
			t.Fatalf("%s: %s", path, body)
		}
		if got := strings.Join(h.Reasons, "; "); !strings.Contains(got, reason) || (reason == "") != (got == "") {
			t.Fatalf("%s: reasons %q, want %q", path, got, reason)
		}
	}
	ready := func(want string) {
		t.Helper()
		if _, body := get(t, e.http+"/metrics", scraper); !strings.Contains(body, "\nproctor_ready "+want+"\n") {
			t.Fatalf("metrics lack proctor_ready %s", want)
		}
	}
	check("/healthz", http.StatusOK, "")
	ready("1")

	// The store's directory goes away (an unmounted or lost volume).
	dir := e.cfg.Store.Dir
	if err := os.Rename(dir, dir+".away"); err != nil {
		t.Fatal(err)
	}
	check("/healthz", http.StatusServiceUnavailable, "store: ")
	check("/healthz?live", http.StatusOK, "")
	ready("0")
	// A viewer's version check still passes: history and live may work
	// on an unready node, and the check is about the protocol.
	if _, err := client.NewHistory(client.Config{Server: e.http}).Health(context.Background()); err != nil {
		t.Fatalf("client health check of an unready node: %v", err)
	}
	if err := os.Rename(dir+".away", dir); err != nil {
		t.Fatal(err)
	}
	check("/healthz", http.StatusOK, "")
	ready("1")

	// The session database stops answering.
	e.s.meta.Close()
	check("/healthz", http.StatusServiceUnavailable, "database: ")
	check("/healthz?live", http.StatusOK, "")
	ready("0")
}
