package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"proctor/proto"
	"proctor/server/auth"
)

func TestIngestAndWatchEndToEnd(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	early := e.watch(t, "cam1") // subscribed before the Sentinel exists
	p := e.publish(t, "cam1", "exam1")
	if p.welcome.Session != "exam1" || p.welcome.Next != 0 || p.welcome.Generation != 0 {
		t.Fatalf("welcome %+v", p.welcome)
	}
	p.sendInit(t, 1, cl.init)
	half := len(cl.segs) / 2
	for i := 0; i < half; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	got := collect(t, early, "cam1", half)
	// A late watcher starts at the latest keyframe (a keyframe every 5 segments).
	late := e.watch(t, "cam1")
	lateGot := collect(t, late, "cam1", half-15)
	for i := half; i < len(cl.segs); i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	rest := collect(t, early, "cam1", len(cl.segs)-half)
	got.seqs = append(got.seqs, rest.seqs...)
	got.msgs = append(got.msgs, rest.msgs...)
	if err := inOrder(got.seqs, 0); err != nil {
		t.Fatal(err)
	}
	if len(got.inits) != 1 || got.inits[0] != 1 {
		t.Fatalf("early watcher got inits %v", got.inits)
	}
	for i, b := range got.msgs {
		if !bytes.Equal(b, segMsg("cam1", uint64(i), cl.segs[i])) {
			t.Fatalf("segment %d differs from what was sent", i)
		}
	}
	lateRest := collect(t, late, "cam1", len(cl.segs)-half)
	lateGot.seqs = append(lateGot.seqs, lateRest.seqs...)
	if len(lateGot.inits) != 1 || lateGot.seqs[0] != 15 {
		t.Fatalf("late watcher: inits %v, first %d, want init then the keyframe 15", lateGot.inits, lateGot.seqs[0])
	}
	if err := inOrder(lateGot.seqs, 15); err != nil {
		t.Fatal(err)
	}

	if err := p.c.WriteJSON(proto.End{Type: proto.TypeEnd}); err != nil {
		t.Fatal(err)
	}
	for { // the server closes after end
		if _, _, err := p.c.ReadMessage(); err != nil {
			break
		}
	}
	sess, err := e.s.meta.Session(context.Background(), "exam1")
	if err != nil {
		t.Fatal(err)
	}
	if sess.State != proto.SessionClosed || sess.Quality != 1 {
		t.Fatalf("session %+v, want closed with quality 1", sess)
	}
	recs, err := e.s.store.Segments("exam1", "cam1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(cl.segs) {
		t.Fatalf("stored %d segments, want %d", len(recs), len(cl.segs))
	}
	for i, r := range recs {
		if r.Seq != uint64(i) || r.Flags&proto.FlagDiscontinuity != 0 {
			t.Fatalf("stored record %d: %+v", i, r)
		}
	}

	// Operations endpoints.
	body := httpGet(t, e.http+"/healthz", "")
	if !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("healthz: %s", body)
	}
	if code, _ := httpDo(e.http+"/metrics", e.token(auth.RoleProctor, "p")); code != http.StatusForbidden {
		t.Fatalf("metrics for a proctor: %d, want 403", code)
	}
	body = httpGet(t, e.http+"/metrics", e.token(auth.RoleAdmin, "ops"))
	for _, want := range []string{"proctor_ingest_segments_total 40", "proctor_relay_messages_total", "proctor_storage_bytes"} {
		if !strings.Contains(body, want) {
			t.Fatalf("metrics lack %q:\n%s", want, body)
		}
	}
	body = httpGet(t, e.http+"/v1/sessions/exam1", e.token(auth.RoleProctor, "p"))
	if !strings.Contains(body, `"closed"`) {
		t.Fatalf("session over HTTP: %s", body)
	}
}

func httpGet(t *testing.T, url, tok string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, b)
	}
	return string(b)
}
