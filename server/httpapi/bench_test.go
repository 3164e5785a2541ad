package httpapi

import (
	"io"
	"net/http"
	"testing"

	"proctor/server/auth"
)

// BenchmarkMediaExport measures media.mp4 of a whole 6 s stream (12
// segments, about 330 KB) served over loopback HTTP and read by the
// client: bytes per second and allocations per export.
func BenchmarkMediaExport(b *testing.B) {
	e := newEnv(b)
	e.fixture()
	req, err := http.NewRequest("GET", e.srv.URL+"/v1/sessions/exam1/sentinels/cam/media.mp4", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token(auth.RoleReviewer, "r"))
	client := e.srv.Client()
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
}
