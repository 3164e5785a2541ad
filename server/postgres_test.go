package server

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"proctor/internal/testpg"
	"proctor/proto"
	"proctor/server/auth"
)

// TestServerOnPostgres: a server with Config.Postgres (--postgres) keeps
// its sessions in a real PostgreSQL: a short clip is ingested, the session
// closes, and the HTTP API lists it and finds it by a detail.
func TestServerOnPostgres(t *testing.T) {
	cl := lowLatencyClip(t)
	url := testpg.NewDB(t)
	e := startServer(t, func(c *Config) { c.Postgres = url })
	if !e.s.meta.Postgres() {
		t.Fatal("server did not open PostgreSQL")
	}
	ctx := context.Background()
	if _, err := e.s.meta.StartSession(ctx, "pgexam", "", map[string]string{"candidate": "Grace Hopper"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	p := e.publish(t, "cam1", "pgexam")
	p.sendInit(t, 1, cl.init)
	for i, seg := range cl.segs {
		p.sendSeg(t, uint64(i), seg)
	}
	if err := p.c.WriteJSON(proto.End{Type: proto.TypeEnd}); err != nil {
		t.Fatal(err)
	}
	for { // the server closes after end
		if _, _, err := p.c.ReadMessage(); err != nil {
			break
		}
	}
	tok := e.token(auth.RoleProctor, "p")
	for _, path := range []string{"/v1/sessions", "/v1/sessions?q=hopper", "/v1/sessions?q=PGEX&state=closed"} {
		var l proto.SessionList
		if err := json.Unmarshal([]byte(httpGet(t, e.http+path, tok)), &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Sessions) != 1 || l.Sessions[0].ID != "pgexam" || l.Sessions[0].State != proto.SessionClosed ||
			l.Sessions[0].Quality != 1 || len(l.Sessions[0].Sentinels) != 1 || l.Sessions[0].Details["candidate"] != "Grace Hopper" {
			t.Fatalf("GET %s: %+v", path, l)
		}
	}
	var l proto.SessionList
	json.Unmarshal([]byte(httpGet(t, e.http+"/v1/sessions?q=nobody", tok)), &l)
	if len(l.Sessions) != 0 {
		t.Fatalf("search for nobody: %+v", l)
	}
	recs, err := e.s.store.Segments("pgexam", "cam1", 0, 0)
	if err != nil || len(recs) != len(cl.segs) {
		t.Fatalf("stored %d segments, %v; want %d", len(recs), err, len(cl.segs))
	}
}
