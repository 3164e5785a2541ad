package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"proctor/proto"
)

// TestLimitsBodies: endpoints that take no body refuse one, a POST needs a
// Content-Length under MaxBody, and a body read past MaxBody fails; every
// refusal is a JSON error.
func TestLimitsBodies(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			WriteError(w, http.StatusRequestEntityTooLarge, proto.CodeTooLarge, err.Error())
			return
		}
		w.Write(b)
	})
	srv := httptest.NewServer(Limits(echo, LimitConfig{WriteTimeout: time.Second, MaxBody: 100}))
	defer srv.Close()
	cases := []struct {
		name, method string
		body         io.Reader
		length       int64 // -1: chunked
		status       int
		code         string
	}{
		{"get without body", "GET", nil, 0, http.StatusOK, ""},
		{"get with body", "GET", strings.NewReader("x"), 1, http.StatusRequestEntityTooLarge, proto.CodeTooLarge},
		{"get chunked body", "GET", strings.NewReader("x"), -1, http.StatusRequestEntityTooLarge, proto.CodeTooLarge},
		{"post small", "POST", strings.NewReader("hello"), 5, http.StatusOK, ""},
		{"post chunked", "POST", strings.NewReader("hello"), -1, http.StatusLengthRequired, proto.CodeBadRequest},
		{"post too large", "POST", strings.NewReader(strings.Repeat("x", 101)), 101, http.StatusRequestEntityTooLarge, proto.CodeTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = tc.length
			if tc.length < 0 {
				req.TransferEncoding = []string{"chunked"}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.code == "" {
				return
			}
			var e proto.HTTPError
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || e.Error.Code != tc.code {
				t.Fatalf("body %+v (%v), want code %s", e, err, tc.code)
			}
			if tc.length != 0 && !resp.Close {
				t.Fatal("an error answer to a request with a body keeps the connection")
			}
		})
	}
}
