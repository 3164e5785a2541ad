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
		n := len(payload)
		unsatisfiable := fmt.Sprintf("bytes */%d", n)
		rangeTests := []struct {
			name   string
			method string
			hdr    []string
			status int
			body   []byte // nil: no body
			code   string // the JSON error code of an error status
			cr     string // Content-Range
		}{
			{"if-none-match", "GET", []string{"If-None-Match", etag}, 304, nil, "", ""},
			{"if-none-match other", "GET", []string{"If-None-Match", `"x"`}, 200, payload, "", ""},
			{"if-match", "GET", []string{"If-Match", etag}, 200, payload, "", ""},
			{"range", "GET", []string{"Range", "bytes=10-19"}, 206, payload[10:20], "", fmt.Sprintf("bytes 10-19/%d", n)},
			{"suffix range", "GET", []string{"Range", "bytes=-8"}, 206, payload[n-8:], "", fmt.Sprintf("bytes %d-%d/%d", n-8, n-1, n)},
			{"if-range match", "GET", []string{"Range", "bytes=0-3", "If-Range", etag}, 206, payload[:4], "", fmt.Sprintf("bytes 0-3/%d", n)},
			{"if-range stale", "GET", []string{"Range", "bytes=0-3", "If-Range", `"old"`}, 200, payload, "", ""},
			{"head", "HEAD", nil, 200, nil, "", ""},
			{"unsatisfiable", "GET", []string{"Range", fmt.Sprintf("bytes=%d-", n)}, 416, []byte{}, "bad_request", unsatisfiable},
			{"far unsatisfiable", "GET", []string{"Range", "bytes=999999999-"}, 416, []byte{}, "bad_request", unsatisfiable},
			{"head unsatisfiable", "HEAD", []string{"Range", "bytes=999999999-"}, 416, nil, "", unsatisfiable},
			{"if-match other", "GET", []string{"If-Match", `"x"`}, 412, []byte{}, "bad_request", ""},
		}
		for _, rt := range rangeTests {
			resp, b := e.do(rt.method, path, tok, nil, rt.hdr...)
			if resp.StatusCode != rt.status {
				t.Fatalf("seq %d %s: %d, want %d: %q", seq, rt.name, resp.StatusCode, rt.status, b)
			}
			h := resp.Header
			if h.Get("Content-Range") != rt.cr {
				t.Fatalf("seq %d %s: Content-Range %q, want %q", seq, rt.name, h.Get("Content-Range"), rt.cr)
			}
			if rt.status >= 400 {
				if ct := h.Get("Content-Type"); ct != "application/json" {
					t.Fatalf("seq %d %s: error Content-Type %q: %q", seq, rt.name, ct, b)
				}
				if h.Get("ETag") != "" || h.Get("Cache-Control") != "no-store" {
					t.Fatalf("seq %d %s: error with the content's headers: %v", seq, rt.name, h)
				}
				if rt.code != "" {
					if got := e.errorCode(b); got != rt.code {
						t.Fatalf("seq %d %s: code %q, want %q", seq, rt.name, got, rt.code)
					}
				}
				continue
			}
			if !bytes.Equal(b, rt.body) {
				t.Fatalf("seq %d %s: %d bytes, want %d", seq, rt.name, len(b), len(rt.body))
			}
		}
		resp, b = e.do("HEAD", path, tok, nil)
		if resp.StatusCode != 200 || len(b) != 0 || resp.ContentLength != int64(n) {
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
		resp, b = e.do("GET", path, tok, nil, "Range", "bytes=999999999-")
		if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable || e.errorCode(b) != "bad_request" ||
			resp.Header.Get("Content-Type") != "application/json" ||
			resp.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(tc.want)) {
			t.Fatalf("%s unsatisfiable range: %d %v %q", path, resp.StatusCode, resp.Header, b)
		}
	}
	if len(etags) != 2 {
		t.Fatalf("ETags %v: want one per generation", etags)
	}
}
