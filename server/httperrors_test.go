package server

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"proctor/proto"
	"proctor/server/auth"
)

// TestMuxErrorsAreJSON: what no route answers gets the JSON error body
// of every endpoint, with the mux's status and Allow header; so does a
// WebSocket endpoint asked without an upgrade. Redirects and the routes
// themselves are untouched.
func TestMuxErrorsAreJSON(t *testing.T) {
	e := startServer(t, nil)
	tok := e.token(auth.RoleAdmin, "root")
	tests := []struct {
		name, method, path string
		status             int
		code               string // "": not an error
		allow              string
	}{
		{"unknown path", "GET", "/nope", 404, proto.CodeNotFound, ""},
		{"unknown v1 path", "GET", "/v1/nope", 404, proto.CodeNotFound, ""},
		{"four segments", "GET", "/a/b/c/d", 404, proto.CodeNotFound, ""},
		{"unknown path, HEAD", "HEAD", "/v1/nope", 404, "", ""},
		{"unknown path, POST", "POST", "/v1/nope", 404, proto.CodeNotFound, ""},
		{"delete the session list", "DELETE", "/v1/sessions", 405, proto.CodeBadRequest, "GET, HEAD"},
		{"post to healthz", "POST", "/healthz", 405, proto.CodeBadRequest, "GET, HEAD"},
		{"put markers", "PUT", "/v1/sessions/exam1/markers", 405, proto.CodeBadRequest, "GET, HEAD, POST"},
		{"post to ingest", "POST", "/v1/ingest", 405, proto.CodeBadRequest, "GET, HEAD"},
		{"post to a seed path", "POST", "/cam/key/publish", 405, proto.CodeBadRequest, "GET, HEAD"},
		{"ingest without a WebSocket upgrade", "GET", "/v1/ingest", 400, proto.CodeBadRequest, ""},
		{"watch without a WebSocket upgrade", "GET", "/v1/watch", 400, proto.CodeBadRequest, ""},
		{"healthz", "GET", "/healthz", 200, "", ""},
		{"session list", "GET", "/v1/sessions", 200, "", ""},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(method, path string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, e.http+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := get(tc.method, tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %q", resp.StatusCode, tc.status, b)
			}
			if got := resp.Header.Get("Allow"); got != tc.allow {
				t.Fatalf("Allow %q, want %q", got, tc.allow)
			}
			if tc.status < 400 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q: %q", ct, b)
			}
			if tc.method == "HEAD" {
				if len(b) != 0 {
					t.Fatalf("HEAD with a body: %q", b)
				}
				return
			}
			var he proto.HTTPError
			if err := json.Unmarshal(b, &he); err != nil || he.Error.Code != tc.code || he.Error.Message == "" {
				t.Fatalf("body %q (%v), want code %q", b, err, tc.code)
			}
		})
	}
	// The mux's redirect of an unclean path that matches nothing passes
	// through as it was (the status depends on the Go release).
	resp, b := get("GET", "/v1//nope/")
	if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/v1/nope/" {
		t.Fatalf("unclean path: %d %v %q", resp.StatusCode, resp.Header, b)
	}
}
