package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"proctor/proto"
)

// httpPeer answers the history endpoints the way the contract says, for
// the error mapping and streaming tests.
func httpPeer(t *testing.T, version string) *httptest.Server {
	fail := func(w http.ResponseWriter, status int, code, msg string) {
		var e proto.HTTPError
		e.Error.Code, e.Error.Message = code, msg
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(e)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(proto.Health{Status: "ok", Version: version})
	})
	mux.HandleFunc("GET /v1/sessions/{sid}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("sid") {
		case "s401":
			fail(w, 401, proto.CodeUnauthorized, "token expired")
		case "s403":
			fail(w, 403, proto.CodeForbidden, "role sentinel may not use this endpoint")
		case "s500":
			fail(w, 500, proto.CodeInternal, "disk on fire")
		case "s502":
			http.Error(w, "bad gateway", http.StatusBadGateway)
		case "s1":
			json.NewEncoder(w).Encode(proto.Session{ID: "s1", State: proto.SessionOpen})
		default:
			fail(w, 404, proto.CodeNotFound, "no session "+r.PathValue("sid"))
		}
	})
	mux.HandleFunc("GET /v1/sessions", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			fail(w, 401, proto.CodeUnauthorized, "no token")
			return
		}
		// Echo the query so the test can check its encoding.
		json.NewEncoder(w).Encode(proto.SessionList{NextCursor: r.URL.RawQuery})
	})
	mux.HandleFunc("GET /v1/sessions/{sid}/sentinels/{id}/media.mp4", func(w http.ResponseWriter, r *http.Request) {
		body := bytes.Repeat([]byte("x"), 1<<20)
		if r.PathValue("sid") == "stall" {
			w.Write(body[:64<<10])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHistoryErrors(t *testing.T) {
	srv := httpPeer(t, proto.ProtocolVersion)
	h := NewHistory(Config{Server: srv.URL, Token: "tok"})
	ctx := testCtx(t)
	tests := []struct {
		sid  string
		want error
		msg  string
	}{
		{"s1", nil, ""},
		{"s401", ErrUnauthorized, "token expired"},
		{"s403", ErrForbidden, "may not use"},
		{"nope", ErrNotFound, "no session nope"},
		{"s500", nil, "disk on fire"},
		{"s502", nil, "502 bad gateway"},
	}
	for _, tc := range tests {
		t.Run(tc.sid, func(t *testing.T) {
			s, err := h.Session(ctx, tc.sid)
			if tc.msg == "" {
				if err != nil || s.ID != "s1" {
					t.Fatalf("Session = %+v, %v", s, err)
				}
				return
			}
			var se *ServerError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want a *ServerError saying %q", err, tc.msg)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := h.Session(ctx, "../etc"); !errors.Is(err, proto.ErrID) {
		t.Errorf("bad id: %v", err)
	}
	if _, err := NewHistory(Config{Server: srv.URL}).Sessions(ctx, Query{}); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("no token: %v", err)
	}
	srv2 := httptest.NewServer(http.NotFoundHandler())
	srv2.Close()
	if _, err := NewHistory(Config{Server: srv2.URL}).Health(ctx); !errors.Is(err, ErrUnreachable) {
		t.Errorf("closed port: %v", err)
	}
}

func TestHistoryVersion(t *testing.T) {
	ctx := testCtx(t)
	for v, ok := range map[string]bool{"1": true, "1.4": true, "2": false, "0.9": false} {
		_, err := NewHistory(Config{Server: httpPeer(t, v).URL}).Health(ctx)
		if ok != (err == nil) || (!ok && !errors.Is(err, ErrVersion)) {
			t.Errorf("version %q: %v", v, err)
		}
	}
}

func TestHistoryQuery(t *testing.T) {
	h := NewHistory(Config{Server: httpPeer(t, "1").URL, Token: "tok"})
	from := time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	l, err := h.Sessions(testCtx(t), Query{State: "open", Text: "a b", From: from, Limit: 5, Cursor: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "cursor=c1&from=2026-01-02T03%3A04%3A05.5Z&limit=5&q=a+b&state=open"; l.NextCursor != want {
		t.Errorf("query %q, want %q", l.NextCursor, want)
	}
}

func TestHistoryExport(t *testing.T) {
	h := NewHistory(Config{Server: httpPeer(t, "1").URL, Token: "tok"})
	ctx := testCtx(t)
	var buf bytes.Buffer
	var last, total int64
	calls := 0
	err := h.Export(ctx, "s1", "cam-1", time.Time{}, time.Time{}, &buf, func(d, tot int64) { last, total = d, tot; calls++ })
	if err != nil || buf.Len() != 1<<20 || last != 1<<20 || total != 1<<20 || calls < 2 {
		t.Fatalf("export: %v, %d bytes, progress %d/%d in %d calls", err, buf.Len(), last, total, calls)
	}

	// Cancelled while the server is still sending.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err = h.Export(cctx, "stall", "cam-1", time.Time{}, time.Time{}, &bytes.Buffer{}, func(d, tot int64) {
		if d > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: %v", err)
	}
}
