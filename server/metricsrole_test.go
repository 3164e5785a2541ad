package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"proctor/proto"
	"proctor/server/auth"
)

// TestMetricsRole is defect 7: a scraper's token of the metrics role
// reads /metrics (so does an admin's), and can do nothing else: no
// history, no live watching, no publishing.
func TestMetricsRole(t *testing.T) {
	e := startServer(t, nil)
	scraper := e.token(auth.RoleMetrics, "prometheus")
	for _, tc := range []struct {
		name, tok string
		want      int
	}{
		{"metrics token", scraper, http.StatusOK},
		{"admin token", e.token(auth.RoleAdmin, "ops"), http.StatusOK},
		{"proctor token", e.token(auth.RoleProctor, "p"), http.StatusForbidden},
		{"sentinel token", e.token(auth.RoleSentinel, "cam1"), http.StatusForbidden},
		{"no token", "", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, e.http+"/metrics", tc.tok)
			if code != tc.want {
				t.Fatalf("/metrics: %d, want %d: %s", code, tc.want, body)
			}
			if code == http.StatusOK && !strings.Contains(body, "proctor_ingest_segments_total 0") {
				t.Fatalf("/metrics body lacks the ingest counter:\n%s", body)
			}
		})
	}

	t.Run("no history", func(t *testing.T) {
		for _, p := range []string{"/v1/sessions", "/v1/sessions/exam1", "/v1/sentinels",
			"/v1/sessions/exam1/sentinels/prometheus/segments"} {
			if code, body := get(t, e.http+p, scraper); code != http.StatusForbidden {
				t.Errorf("%s with a metrics token: %d, want 403: %s", p, code, body)
			}
		}
	})
	t.Run("no watching", func(t *testing.T) {
		c, err := e.dial("/v1/watch", scraper)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		expectError(t, c, proto.CodeForbidden)
	})
	t.Run("no publishing", func(t *testing.T) {
		c, err := e.dial("/v1/ingest", scraper)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// As the id its subject names, which a Sentinel token could publish as.
		c.WriteJSON(proto.Hello{Type: proto.TypeHello, Sentinel: "prometheus", Session: "exam1", Source: proto.SourceTest})
		expectError(t, c, proto.CodeForbidden)
	})
}

// get GETs url with a bearer token (none if empty).
func get(t *testing.T, url, tok string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
