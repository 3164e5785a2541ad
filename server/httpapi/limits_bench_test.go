package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"proctor/server/auth"
)

// BenchmarkLimits serves the same media.mp4 and raw segment bare and
// under Limits (a write deadline renewed per write, chunked sendfile), side
// by side, for the cost of the per-write timeout.
func BenchmarkLimits(b *testing.B) {
	e := newEnv(b)
	e.fixture()
	limited := httptest.NewServer(Limits(e.srv.Config.Handler, LimitConfig{WriteTimeout: 30 * time.Second, MaxBody: 1 << 20}))
	defer limited.Close()
	tok := e.token(auth.RoleReviewer, "r")
	for _, path := range []string{"/v1/sessions/exam1/sentinels/cam/media.mp4", "/v1/sessions/exam1/sentinels/cam/segments/0"} {
		for _, srv := range []struct {
			name string
			url  string
		}{{"bare", e.srv.URL}, {"limits", limited.URL}} {
			b.Run(srv.name+path[len(path)-10:], func(b *testing.B) {
				req, _ := http.NewRequest("GET", srv.url+path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				client := &http.Client{}
				b.ReportAllocs()
				for b.Loop() {
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != 200 {
						b.Fatalf("%d %v", resp.StatusCode, err)
					}
					b.SetBytes(n)
				}
			})
		}
	}
}
