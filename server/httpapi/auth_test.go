package httpapi

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"proctor/server/auth"
)

// historyPaths are endpoints that need a role that may review.
var historyPaths = []string{
	"/v1/sessions",
	"/v1/sessions/exam1",
	"/v1/sessions/exam1/markers",
	"/v1/sessions/exam1/sentinels/cam/segments",
	"/v1/sessions/exam1/sentinels/cam/segments/0",
	"/v1/sessions/exam1/sentinels/cam/init.mp4",
	"/v1/sessions/exam1/sentinels/cam/media.mp4?to=2026-11-22T10:00:01Z",
}

func TestAuth(t *testing.T) {
	e := newEnv(t)
	e.fixture()
	other, err := auth.NewSigner([]byte("another-secret-of-16-bytes"))
	if err != nil {
		t.Fatal(err)
	}
	expired := e.signer.Sign(auth.Claims{Role: auth.RoleAdmin, Subject: "x", Expiry: e.now.Add(-time.Second).Unix()})
	tests := []struct {
		name   string
		header string // Authorization
		query  string // access_token
		paths  []string
		status int
		code   string
	}{
		{"no token", "", "", historyPaths, 401, "unauthorized"},
		{"not bearer", "Basic YWRtaW46YWRtaW4=", "", historyPaths, 401, "unauthorized"},
		{"garbage", "Bearer garbage", "", historyPaths, 401, "unauthorized"},
		{"other secret", "Bearer " + other.Sign(auth.Claims{Role: auth.RoleAdmin}), "", historyPaths, 401, "unauthorized"},
		{"expired", "Bearer " + expired, "", historyPaths, 401, "unauthorized"},
		{"expired in query", "", expired, historyPaths, 401, "unauthorized"},
		{"sentinel role", "Bearer " + e.token(auth.RoleSentinel, "cam"), "", historyPaths, 403, "forbidden"},
		{"sentinel role lists", "Bearer " + e.token(auth.RoleSentinel, "cam"), "", []string{"/v1/sentinels"}, 403, "forbidden"},
		{"no token lists", "", "", []string{"/v1/sentinels"}, 401, "unauthorized"},
		{"reviewer", "Bearer " + e.token(auth.RoleReviewer, "rita"), "", historyPaths, 200, ""},
		{"proctor", "Bearer " + e.token(auth.RoleProctor, "pat"), "", historyPaths, 200, ""},
		{"admin in query", "", e.token(auth.RoleAdmin, "root"), historyPaths, 200, ""},
		{"reviewer lists", "Bearer " + e.token(auth.RoleReviewer, "rita"), "", []string{"/v1/sentinels"}, 200, ""},
		{"proctor lists", "Bearer " + e.token(auth.RoleProctor, "pat"), "", []string{"/v1/sentinels"}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range tc.paths {
				if tc.query != "" {
					sep := "?"
					if strings.Contains(p, "?") {
						sep = "&"
					}
					p += sep + "access_token=" + tc.query
				}
				var hdr []string
				if tc.header != "" {
					hdr = []string{"Authorization", tc.header}
				}
				resp, b := e.do("GET", p, "", nil, hdr...)
				if resp.StatusCode != tc.status {
					t.Fatalf("GET %s: status %d, want %d: %s", p, resp.StatusCode, tc.status, b)
				}
				if tc.code == "" {
					continue
				}
				if got := e.errorCode(b); got != tc.code {
					t.Fatalf("GET %s: code %q, want %q", p, got, tc.code)
				}
				if tc.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
					t.Fatalf("GET %s: 401 without WWW-Authenticate", p)
				}
			}
		})
	}
	// A sentinel may not add markers either.
	resp, b := e.do("POST", "/v1/sessions/exam1/markers", e.token(auth.RoleSentinel, "cam"),
		strings.NewReader(`{"sentinel":"cam","time":"2026-11-22T10:00:01Z","label":"x"}`))
	if resp.StatusCode != http.StatusForbidden || e.errorCode(b) != "forbidden" {
		t.Fatalf("sentinel POST marker: %d %s", resp.StatusCode, b)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	e.fixture()
	long := strings.Repeat("a", 65)
	seg := "/v1/sessions/exam1/sentinels/cam/"
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"session id with dot", "GET", "/v1/sessions/a.b", "", 400, "bad_id"},
		{"session id 65 chars", "GET", "/v1/sessions/" + long, "", 400, "bad_id"},
		{"session id with space", "GET", "/v1/sessions/a%20b", "", 400, "bad_id"},
		{"session id unicode", "GET", "/v1/sessions/%C3%A9t%C3%A9", "", 400, "bad_id"},
		{"session id traversal", "GET", "/v1/sessions/..%2F..%2Fetc/sentinels/cam/segments", "", 400, "bad_id"},
		{"sentinel id bad", "GET", "/v1/sessions/exam1/sentinels/c%2Eam/segments/0", "", 400, "bad_id"},
		{"sentinel id bad media", "GET", "/v1/sessions/exam1/sentinels/" + long + "/media.mp4", "", 400, "bad_id"},
		{"unknown session", "GET", "/v1/sessions/nope", "", 404, "not_found"},
		{"unknown session markers", "GET", "/v1/sessions/nope/markers", "", 404, "not_found"},
		{"unknown sentinel segments", "GET", "/v1/sessions/exam1/sentinels/nope/segments", "", 404, "not_found"},
		{"unknown sentinel init", "GET", "/v1/sessions/exam1/sentinels/nope/init.mp4", "", 404, "not_found"},
		{"unknown sentinel media", "GET", "/v1/sessions/exam1/sentinels/nope/media.mp4", "", 404, "not_found"},
		{"unknown sentinel segment", "GET", "/v1/sessions/exam1/sentinels/nope/segments/1", "", 404, "not_found"},
		{"unknown segment", "GET", seg + "segments/99", "", 404, "not_found"},
		{"unknown generation", "GET", seg + "init.mp4?generation=9", "", 404, "not_found"},
		{"attached sentinel without media", "GET", "/v1/sessions/exam1/sentinels/scr/init.mp4", "", 404, "not_found"},
		{"seq not a number", "GET", seg + "segments/x", "", 400, "bad_request"},
		{"seq negative", "GET", seg + "segments/-1", "", 400, "bad_request"},
		{"seq too big", "GET", seg + "segments/18446744073709551616", "", 400, "bad_request"},
		{"generation 0", "GET", seg + "init.mp4?generation=0", "", 400, "bad_request"},
		{"generation word", "GET", seg + "init.mp4?generation=latest", "", 400, "bad_request"},
		{"from not a time", "GET", seg + "segments?from=yesterday", "", 400, "bad_request"},
		{"to without zone", "GET", seg + "media.mp4?to=2026-11-22T10:00:00", "", 400, "bad_request"},
		{"to before 1970", "GET", seg + "segments?to=1960-01-01T00:00:00Z", "", 400, "bad_request"},
		{"to before from", "GET", seg + "media.mp4?from=2026-11-22T10:00:05Z&to=2026-11-22T10:00:01Z", "", 400, "bad_request"},
		{"media range before any segment", "GET", seg + "media.mp4?from=2026-11-22T09:00:00Z&to=2026-11-22T09:30:00Z", "", 404, "not_found"},
		{"limit 0", "GET", "/v1/sessions?limit=0", "", 400, "bad_request"},
		{"limit huge", "GET", "/v1/sessions?limit=100000", "", 400, "bad_request"},
		{"limit word", "GET", "/v1/sessions?limit=ten", "", 400, "bad_request"},
		{"state unknown", "GET", "/v1/sessions?state=running", "", 400, "bad_request"},
		{"sentinel filter bad", "GET", "/v1/sessions?sentinel=a/b", "", 400, "bad_id"},
		{"cursor bad", "GET", "/v1/sessions?cursor=!!", "", 400, "bad_request"},
		{"sessions from bad", "GET", "/v1/sessions?from=1700000000", "", 400, "bad_request"},
		{"marker not json", "POST", "/v1/sessions/exam1/markers", "label=x", 400, "bad_request"},
		{"marker without label", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"cam","time":"2026-11-22T10:00:01Z"}`, 400, "bad_request"},
		{"marker without time", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"cam","label":"x"}`, 400, "bad_request"},
		{"marker bad sentinel", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"../x","time":"2026-11-22T10:00:01Z","label":"x"}`, 400, "bad_id"},
		{"marker other session", "POST", "/v1/sessions/exam1/markers", `{"session":"gappy","sentinel":"cam","time":"2026-11-22T10:00:01Z","label":"x"}`, 400, "bad_request"},
		{"marker label too long", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"cam","time":"2026-11-22T10:00:01Z","label":"` + strings.Repeat("x", 101) + `"}`, 400, "bad_request"},
		{"marker body too big", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"cam","time":"2026-11-22T10:00:01Z","label":"x","note":"` + strings.Repeat("x", maxMarkerBody) + `"}`, 413, "too_large"},
		{"marker author not the subject", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"cam","time":"2026-11-22T10:00:01Z","label":"x","author":"someone else"}`, 403, "forbidden"},
		{"marker sentinel of another session", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"lossy","time":"2026-11-22T10:00:01Z","label":"x"}`, 400, "bad_request"},
		{"marker sentinel of no session", "POST", "/v1/sessions/exam1/markers", `{"sentinel":"ghost","time":"2026-11-22T10:00:01Z","label":"x"}`, 400, "bad_request"},
		{"marker unknown session", "POST", "/v1/sessions/nope/markers", `{"sentinel":"cam","time":"2026-11-22T10:00:01Z","label":"x"}`, 404, "not_found"},
		// Answered by the mux, not by an endpoint (JSONErrors).
		{"unknown path", "GET", "/v1/nope", "", 404, "not_found"},
		{"path under a segment", "GET", seg + "segments/0/more", "", 404, "not_found"},
		{"wrong method on the list", "DELETE", "/v1/sessions", "", 405, "bad_request"},
		{"wrong method on a segment", "PUT", seg + "segments/0", "", 405, "bad_request"},
		{"wrong method on markers", "PATCH", "/v1/sessions/exam1/markers", "", 405, "bad_request"},
	}
	tok := e.token(auth.RoleProctor, "pat")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := e.do(tc.method, tc.path, tok, strings.NewReader(tc.body))
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", tc.method, tc.path, resp.StatusCode, tc.status, b)
			}
			if got := e.errorCode(b); got != tc.code {
				t.Fatalf("%s %s: code %q, want %q (%s)", tc.method, tc.path, got, tc.code, b)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("error Content-Type %q", ct)
			}
			allow := resp.Header.Get("Allow")
			if tc.status == 405 && !strings.HasPrefix(allow, "GET, HEAD") {
				t.Fatalf("405 Allow %q, want GET, HEAD first", allow)
			}
		})
	}
	if n := len(e.live.markers); n != 0 {
		t.Fatalf("%d markers reached the hub from bad requests", n)
	}
}

// TestStoreFailure: a store that fails answers 500 with a generic message.
func TestStoreFailure(t *testing.T) {
	e := newEnv(t)
	e.fixture()
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"segments", "segments/0", "init.mp4", "media.mp4"} {
		resp, b := e.do("GET", "/v1/sessions/exam1/sentinels/cam/"+p, e.token(auth.RoleReviewer, "r"), nil)
		if resp.StatusCode != 500 || e.errorCode(b) != "internal" {
			t.Fatalf("%s on a closed store: %d %s", p, resp.StatusCode, b)
		}
	}
}
