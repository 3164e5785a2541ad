package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"proctor/proto"
	"proctor/server/auth"
)

func TestRawSegment(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	tok := e.token(auth.RoleReviewer, "rita")
	for _, seq := range []int{0, 3, 15} {
		payload := f.a.Segments[seq%12].Payload
		if seq >= 12 {
			payload = f.b.Segments[seq-12].Payload
		}
		path := fmt.Sprintf("/v1/sessions/exam1/sentinels/cam/segments/%d", seq)
		resp, b := e.do("GET", path, tok, nil)
		if resp.StatusCode != 200 || !bytes.Equal(b, payload) {
			t.Fatalf("seq %d: %d, %d bytes, want the %d stored", seq, resp.StatusCode, len(b), len(payload))
		}
		h := resp.Header
		etag := h.Get("ETag")
		if h.Get("Content-Type") != "video/mp4" || h.Get("Content-Length") != strconv.Itoa(len(payload)) ||
			len(etag) < 3 || etag[0] != '"' || h.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("seq %d headers: %v", seq, h)
		}
		if _, err := proto.ParseMedia(b, nil, nil); err != nil {
			t.Fatalf("seq %d: %v", seq, err)
		}
		rangeTests := []struct {
			name   string
			hdr    []string
			status int
			body   []byte
		}{
			{"if-none-match", []string{"If-None-Match", etag}, 304, nil},
			{"if-none-match other", []string{"If-None-Match", `"x"`}, 200, payload},
			{"range", []string{"Range", "bytes=10-19"}, 206, payload[10:20]},
			{"suffix range", []string{"Range", "bytes=-8"}, 206, payload[len(payload)-8:]},
			{"if-range match", []string{"Range", "bytes=0-3", "If-Range", etag}, 206, payload[:4]},
			{"if-range stale", []string{"Range", "bytes=0-3", "If-Range", `"old"`}, 200, payload},
			{"unsatisfiable", []string{"Range", fmt.Sprintf("bytes=%d-", len(payload))}, 416, nil},
		}
		for _, rt := range rangeTests {
			resp, b := e.do("GET", path, tok, nil, rt.hdr...)
			if resp.StatusCode != rt.status || (rt.body != nil && !bytes.Equal(b, rt.body)) {
				t.Fatalf("seq %d %s: %d, %d bytes", seq, rt.name, resp.StatusCode, len(b))
			}
		}
		resp, b = e.do("HEAD", path, tok, nil)
		if resp.StatusCode != 200 || len(b) != 0 || resp.ContentLength != int64(len(payload)) {
			t.Fatalf("HEAD: %d %d %d", resp.StatusCode, len(b), resp.ContentLength)
		}
	}
	// Different segments have different ETags.
	r0, _ := e.do("GET", "/v1/sessions/exam1/sentinels/cam/segments/0", tok, nil)
	r1, _ := e.do("GET", "/v1/sessions/exam1/sentinels/cam/segments/1", tok, nil)
	r2, _ := e.do("GET", "/v1/sessions/gappy/sentinels/lossy/segments/0", tok, nil)
	if r0.Header.Get("ETag") == r1.Header.Get("ETag") || r0.Header.Get("ETag") == r2.Header.Get("ETag") {
		t.Fatal("ETags repeat across segments")
	}
}

func TestInitSegment(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	tok := e.token(auth.RoleProctor, "pat")
	tests := []struct {
		query string
		want  []byte
		gen   string
		cache string
	}{
		{"", f.b.Init, "2", cacheRevalidate},
		{"?generation=1", f.a.Init, "1", cacheImmutable},
		{"?generation=2", f.b.Init, "2", cacheImmutable},
	}
	etags := map[string]bool{}
	for _, tc := range tests {
		path := "/v1/sessions/exam1/sentinels/cam/init.mp4" + tc.query
		resp, b := e.do("GET", path, tok, nil)
		if resp.StatusCode != 200 || !bytes.Equal(b, tc.want) {
			t.Fatalf("%s: %d, %d bytes", path, resp.StatusCode, len(b))
		}
		h := resp.Header
		if h.Get("Content-Type") != "video/mp4" || h.Get("X-Proctor-Generation") != tc.gen ||
			h.Get("Cache-Control") != tc.cache || h.Get("Content-Length") != strconv.Itoa(len(tc.want)) {
			t.Fatalf("%s headers: %v", path, h)
		}
		if _, err := proto.ParseInit(b); err != nil {
			t.Fatal(err)
		}
		etags[h.Get("ETag")] = true
		resp, _ = e.do("GET", path, tok, nil, "If-None-Match", h.Get("ETag"))
		if resp.StatusCode != http.StatusNotModified {
			t.Fatalf("%s If-None-Match: %d", path, resp.StatusCode)
		}
		resp, b = e.do("GET", path, tok, nil, "Range", "bytes=0-7")
		if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(b, tc.want[:8]) {
			t.Fatalf("%s range: %d %q", path, resp.StatusCode, b)
		}
	}
	if len(etags) != 2 {
		t.Fatalf("ETags %v: want one per generation", etags)
	}
}
