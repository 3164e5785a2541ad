package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"proctor/server/auth"
)

// lineLog receives the lines a slog.JSONHandler writes (one Write each).
type lineLog chan []byte

func (l lineLog) Write(b []byte) (int, error) {
	l <- append([]byte(nil), b...)
	return len(b), nil
}

// auditLine is an audit record as the JSON handler writes it.
type auditLine struct {
	Msg, Component, Kind, Subject, Role, Session, Sentinel string
	Seq, Generation, From, To, Method, Remote              string
	Audit                                                  bool
	Status                                                 int
	Bytes                                                  int64
}

// next returns the next audit line, skipping other components' lines.
func (l lineLog) next(t *testing.T) auditLine {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case b := <-l:
			var a auditLine
			if err := json.Unmarshal(b, &a); err != nil {
				t.Fatalf("log line %q: %v", b, err)
			}
			if a.Component == "audit" {
				if !a.Audit || a.Msg != "video read" || a.Remote == "" {
					t.Fatalf("audit line %s", b)
				}
				return a
			}
		case <-timeout:
			t.Fatal("no audit line")
		}
	}
}

// TestAuditLog serves the video endpoints on loopback with a real store
// and reads the server's log: each segment, init and export request is
// one audit line with who read what and how much, refusals and misses
// too; other endpoints write none.
func TestAuditLog(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	log := make(lineLog, 64)
	api := &API{Store: e.st, Meta: e.db, Live: e.live, Auth: e.signer, Now: func() time.Time { return e.now },
		Log: slog.New(slog.NewJSONHandler(log, nil))}
	mux := http.NewServeMux()
	api.Register(mux)
	e.srv.Close()
	e.srv = httptest.NewServer(JSONErrors(mux))

	const stream = "/v1/sessions/exam1/sentinels/cam"
	rita, paul := e.token(auth.RoleReviewer, "rita"), e.token(auth.RoleProctor, "paul")
	from, to := t0.Add(1700*time.Millisecond).Format(time.RFC3339Nano), t0.Add(3200*time.Millisecond).Format(time.RFC3339Nano)
	seg3 := f.gen1[3]
	for _, tc := range []struct {
		name, method, path, tok string
		hdr                     []string
		want                    auditLine
	}{
		{"segment", "GET", stream + "/segments/3", rita, nil, auditLine{Kind: "segment", Subject: "rita", Role: "reviewer",
			Seq: "3", Status: 200, Bytes: int64(seg3.Size)}},
		{"segment range", "GET", stream + "/segments/3", rita, []string{"Range", "bytes=0-9"}, auditLine{Kind: "segment",
			Subject: "rita", Role: "reviewer", Seq: "3", Status: 206, Bytes: 10}},
		{"missing segment", "GET", stream + "/segments/999", rita, nil, auditLine{Kind: "segment", Subject: "rita",
			Role: "reviewer", Seq: "999", Status: 404, Bytes: -1}},
		{"init", "GET", stream + "/init.mp4", paul, nil, auditLine{Kind: "init", Subject: "paul", Role: "proctor",
			Generation: "2", Status: 200, Bytes: int64(len(f.b.Init))}},
		{"export", "GET", stream + "/media.mp4?from=" + from + "&to=" + to, paul, nil, auditLine{Kind: "export",
			Subject: "paul", Role: "proctor", Seq: "2-6", Generation: "1", From: from, To: to, Status: 200, Bytes: -1}},
		{"export head", "HEAD", stream + "/media.mp4", rita, nil, auditLine{Kind: "export", Subject: "rita",
			Role: "reviewer", Seq: "0-11", Generation: "1", Method: "HEAD", Status: 200, Bytes: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(tc.method, tc.path, tc.tok, nil, tc.hdr...)
			got := log.next(t)
			w := tc.want
			w.Msg, w.Component, w.Audit, w.Session, w.Sentinel, w.Remote = "video read", "audit", true, "exam1", "cam", got.Remote
			if w.Method == "" {
				w.Method = "GET"
			}
			if w.Bytes == -1 { // as many as the client received
				w.Bytes = int64(len(body))
			}
			if got != w || resp.StatusCode != w.Status {
				t.Fatalf("status %d, audit line\n%+v\nwant\n%+v", resp.StatusCode, got, w)
			}
		})
	}
	// Other endpoints and unauthenticated requests write no audit line:
	// the next one is the request after them.
	e.do("GET", "/v1/sessions/exam1", rita, nil)
	e.do("GET", stream+"/segments", rita, nil)
	e.do("GET", stream+"/segments/1", "", nil)
	e.do("GET", stream+"/segments/1", paul, nil)
	if got := log.next(t); got.Subject != "paul" || got.Seq != "1" {
		t.Fatalf("audit line %+v, want paul's segment 1", got)
	}
}
