package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"proctor/internal/testmedia"
	"proctor/internal/testpg"
	"proctor/internal/testredis"
	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/bus"
)

// startHistoryNode starts cluster node `node` on Redis srv and PostgreSQL
// pg, registered with its HTTP address as `proctor server --redis
// --postgres --advertise` wires it, Peers read from the registry.
func startHistoryNode(t testing.TB, srv *testredis.Server, pg, node string) *env {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { rdb.Close() })
	e := startNodeAt(t, srv.Addr, node, 0, func(c *Config) {
		c.Postgres, c.Node = pg, node
		c.Peers = func(ctx context.Context) (map[string]string, error) {
			nodes, err := bus.Nodes(ctx, rdb)
			m := map[string]string{}
			for _, n := range nodes {
				m[n.ID] = n.Advertise
			}
			return m, err
		}
	})
	reg, err := bus.Register(context.Background(), rdb, bus.NodeInfo{ID: node, Advertise: e.http, Role: "all"}, 0,
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return e
}

// fetch GETs url with tok and extra headers; it returns the response
// with its body read.
func fetch(t testing.TB, url, tok string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: body: %v", url, err)
	}
	return resp, b
}

// ingestClip publishes cl as Sentinel id into a new session sid on e and
// ends it.
func ingestClip(t testing.TB, e *env, cl *clip, id, sid string, details map[string]string) {
	t.Helper()
	if _, err := e.s.meta.StartSession(context.Background(), sid, "", details, time.Now()); err != nil {
		t.Fatal(err)
	}
	p := e.publish(t, id, sid)
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
}

// TestClusterHistoryAnyNode: three nodes on one real Redis and
// PostgreSQL; a session ingested on A is listed and found on B and C, and
// its history (segment list, init, a segment, media.mp4 whole and by
// Range on a segment) fetched through B and C is A's, byte for byte and header for
// header, and media.mp4 decodes to every frame.
func TestClusterHistoryAnyNode(t *testing.T) {
	cl := lowLatencyClip(t)
	srv := testredis.Start(t)
	pg := testpg.NewDB(t)
	a := startHistoryNode(t, srv, pg, "node-a")
	b := startHistoryNode(t, srv, pg, "node-b")
	c := startHistoryNode(t, srv, pg, "node-c")
	ingestClip(t, a, cl, "cam1", "histexam", map[string]string{"candidate": "Ada Lovelace"})
	tok := a.token(auth.RoleProctor, "reviewer")

	for _, e := range []*env{b, c} {
		for _, path := range []string{"/v1/sessions", "/v1/sessions?q=lovelace"} {
			var l proto.SessionList
			if err := json.Unmarshal([]byte(httpGet(t, e.http+path, tok)), &l); err != nil {
				t.Fatal(err)
			}
			if len(l.Sessions) != 1 || l.Sessions[0].ID != "histexam" {
				t.Fatalf("GET %s on %s: %+v", path, e.http, l)
			}
		}
	}

	const stream = "/v1/sessions/histexam/sentinels/cam1"
	media := stream + "/media.mp4"
	respA, bodyA := fetch(t, a.http+media, tok, nil)
	if respA.StatusCode != http.StatusOK {
		t.Fatalf("media.mp4 from A: %s: %s", respA.Status, bodyA)
	}
	if n := testmedia.CountFrames(t, bodyA); n != len(cl.segs) {
		t.Fatalf("media.mp4 from A decodes to %d frames, want %d", n, len(cl.segs))
	}
	same := func(what string, ra *http.Response, ba []byte, rb *http.Response, bb []byte) {
		t.Helper()
		if rb.StatusCode != ra.StatusCode || sha256.Sum256(bb) != sha256.Sum256(ba) {
			t.Fatalf("%s through another node: %s, %d bytes; from A: %s, %d bytes", what, rb.Status, len(bb), ra.Status, len(ba))
		}
		for _, h := range []string{"Content-Length", "Content-Range", "ETag", "Content-Type", "X-Proctor-Sequences",
			"X-Proctor-Generation", "X-Proctor-Start", "X-Proctor-Duration-Us"} {
			if rb.Header.Get(h) != ra.Header.Get(h) {
				t.Fatalf("%s through another node: %s %q, from A %q", what, h, rb.Header.Get(h), ra.Header.Get(h))
			}
		}
	}
	for _, e := range []*env{b, c} {
		rb, bb := fetch(t, e.http+media, tok, nil)
		same("media.mp4", respA, bodyA, rb, bb)
		if n := testmedia.CountFrames(t, bb); n != len(cl.segs) {
			t.Fatalf("media.mp4 through %s decodes to %d frames, want %d", e.http, n, len(cl.segs))
		}
		// Segments answer byte ranges (media.mp4 is a stream, Range or not).
		rng := map[string]string{"Range": "bytes=10-59"}
		ra, ba := fetch(t, a.http+stream+"/segments/7", tok, rng)
		if ra.StatusCode != http.StatusPartialContent || len(ba) != 50 {
			t.Fatalf("Range from A: %s, %d bytes", ra.Status, len(ba))
		}
		rb, bb = fetch(t, e.http+stream+"/segments/7", tok, rng)
		same("segment Range", ra, ba, rb, bb)
		ra, ba = fetch(t, a.http+media, tok, rng)
		rb, bb = fetch(t, e.http+media, tok, rng)
		same("media.mp4 with Range", ra, ba, rb, bb)
		for _, path := range []string{stream + "/segments", stream + "/init.mp4", stream + "/segments/7"} {
			ra, ba := fetch(t, a.http+path, tok, nil)
			if ra.StatusCode != http.StatusOK {
				t.Fatalf("GET %s from A: %s", path, ra.Status)
			}
			rb, bb := fetch(t, e.http+path, tok, nil)
			same(path, ra, ba, rb, bb)
		}
		// A conditional request through the proxy is answered by A's ETag.
		rb, _ = fetch(t, e.http+stream+"/segments/7", tok, map[string]string{"If-None-Match": respETag(t, a, stream+"/segments/7", tok)})
		if rb.StatusCode != http.StatusNotModified {
			t.Fatalf("If-None-Match through %s: %s", e.http, rb.Status)
		}
	}
	// The caller's credentials are checked on the proxying node.
	if rb, _ := fetch(t, b.http+media, "not-a-token", nil); rb.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad token through B: %s", rb.Status)
	}
	if rb, _ := fetch(t, b.http+stream+"/segments/999", tok, nil); rb.StatusCode != http.StatusNotFound {
		t.Fatalf("missing segment through B: %s", rb.Status)
	}
}

func respETag(t testing.TB, e *env, path, tok string) string {
	r, _ := fetch(t, e.http+path, tok, nil)
	if r.Header.Get("ETag") == "" {
		t.Fatalf("no ETag on %s", path)
	}
	return r.Header.Get("ETag")
}
