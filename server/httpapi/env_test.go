package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/meta"
	"proctor/server/store"
)

// env is a real API over a real store directory and SQLite file, served
// on loopback.
type env struct {
	t      testing.TB
	st     *store.Store
	db     *meta.DB
	signer *auth.Signer
	live   *liveList
	srv    *httptest.Server
	now    time.Time
	dir    string
}

// liveList stands in for the server core's hub: a fixed Sentinel list and
// a record of the markers it was told about.
type liveList struct {
	mu      sync.Mutex
	list    []proto.SentinelInfo
	markers []proto.Marker
}

func (l *liveList) Sentinels() []proto.SentinelInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]proto.SentinelInfo(nil), l.list...)
}

func (l *liveList) MarkerAdded(m proto.Marker) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.markers = append(l.markers, m)
}

// t0 is the wall-clock start of the test streams.
var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(store.Config{Dir: filepath.Join(dir, "data"), Sync: store.SyncNever}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := meta.Open(filepath.Join(dir, "meta.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewSigner([]byte("0123456789abcdef-test-secret"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, db: db, signer: signer, live: &liveList{}, now: t0.Add(time.Hour), dir: dir}
	db.Now = func() time.Time { return e.now }
	api := &API{Store: st, Meta: db, Live: e.live, Auth: signer, Now: func() time.Time { return e.now }}
	mux := http.NewServeMux()
	api.Register(mux)
	e.srv = httptest.NewServer(JSONErrors(mux)) // as the server mounts it
	t.Cleanup(func() {
		e.srv.Close()
		db.Close()
		st.Close()
	})
	return e
}

// token signs a token of role for subject, valid for an hour after e.now.
func (e *env) token(role auth.Role, sub string) string {
	return e.signer.Sign(auth.Claims{Role: role, Subject: sub, Expiry: e.now.Add(time.Hour).Unix()})
}

// do sends a request with tok as bearer token (none when empty) and
// returns the response with its body read.
func (e *env) do(method, path, tok string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, b
}

// getJSON GETs path as an admin, expects 200 and decodes the body into v.
func (e *env) getJSON(path string, v any) {
	e.t.Helper()
	resp, b := e.do("GET", path, e.token(auth.RoleAdmin, "admin"), nil)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		e.t.Fatalf("GET %s: %v in %s", path, err, b)
	}
}

// session starts session sid at start with sentinels attached.
func (e *env) session(sid string, start time.Time, details map[string]string, sentinels ...string) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.db.StartSession(ctx, sid, "", details, start); err != nil {
		e.t.Fatal(err)
	}
	for _, s := range sentinels {
		if err := e.db.AttachSentinel(ctx, sid, s, "test"); err != nil {
			e.t.Fatal(err)
		}
	}
}

// ingest stores c as generation gen of (sid, sentinel): its fragments get
// sequence numbers seq0, seq0+1, ... (those listed in skip are left out,
// as if lost) and wall-clock times from start on, following the clip's
// tfdt. It returns the stored records and the end time.
func (e *env) ingest(sid, sentinel string, c *testmedia.Clip, gen, seq0 uint64, start time.Time, skip ...uint64) ([]store.Record, time.Time) {
	e.t.Helper()
	if err := e.st.PutInit(sid, sentinel, gen, c.Init); err != nil {
		e.t.Fatal(err)
	}
	ts := uint64(c.Info.Timescale)
	var recs []store.Record
	end := start
	for i, s := range c.Segments {
		seq := seq0 + uint64(i)
		t := start.UnixMicro() + int64(s.Media.BaseTime*1e6/ts)
		d := uint32(s.Media.Duration * 1e6 / ts)
		end = time.UnixMicro(t + int64(d)).UTC()
		if contains(skip, seq) {
			continue
		}
		var flags proto.Flags
		if s.Media.Keyframe {
			flags |= proto.FlagKeyframe
		}
		rec, err := e.st.Append(sid, sentinel, store.Record{Seq: seq, Time: t, Duration: d, Flags: flags, Generation: gen}, s.Payload)
		if err != nil {
			e.t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs, end
}

func contains(list []uint64, v uint64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// errorCode decodes a proto.HTTPError body and checks that its message
// does not give away where the data lives.
func (e *env) errorCode(b []byte) string {
	e.t.Helper()
	var he proto.HTTPError
	if err := json.Unmarshal(b, &he); err != nil || he.Error.Code == "" || he.Error.Message == "" {
		e.t.Fatalf("not an error body: %s", b)
	}
	if strings.Contains(he.Error.Message, e.dir) {
		e.t.Fatalf("error message leaks a path: %q", he.Error.Message)
	}
	return he.Error.Code
}

// fixture is the standard test data:
//   - session exam1 (sentinels cam and scr; scr has stored nothing yet):
//     cam generation 1 is 6 s of 320x240 at 10 fps in 12 fragments of 5
//     frames, sequences 0-11, keyframes on the even ones; generation 2 is
//     2 s of 160x120, sequences 12-15, continuing in time.
//   - session gappy: sentinel lossy, like cam generation 1 but sequence 4
//     (a keyframe fragment) was lost.
//   - sessions old1 and old2, closed, without media.
type fixture struct {
	gen1, gen2, gappy []store.Record
	a, b              *testmedia.Clip
}

func (e *env) fixture() fixture {
	e.t.Helper()
	var f fixture
	f.a, f.b = makeClip(e.t, "320x240", 6), makeClip(e.t, "160x120", 2)
	ctx := context.Background()
	e.session("old1", t0.Add(-48*time.Hour), map[string]string{"candidate": "carol"})
	e.session("old2", t0.Add(-24*time.Hour), map[string]string{"candidate": "dave"}, "cam")
	for _, sid := range []string{"old1", "old2"} {
		if err := e.db.SetState(ctx, sid, proto.SessionClosed, t0.Add(-23*time.Hour)); err != nil {
			e.t.Fatal(err)
		}
	}
	e.session("exam1", t0, map[string]string{"candidate": "alice"}, "cam", "scr")
	var end time.Time
	f.gen1, end = e.ingest("exam1", "cam", f.a, 1, 0, t0)
	f.gen2, _ = e.ingest("exam1", "cam", f.b, 2, 12, end)
	e.session("gappy", t0.Add(time.Minute), map[string]string{"candidate": "bob"}, "lossy")
	f.gappy, _ = e.ingest("gappy", "lossy", f.a, 1, 0, t0.Add(time.Minute), 4)
	return f
}

// decode decodes a JSON body into v.
func (e *env) decode(b []byte, v any) {
	e.t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		e.t.Fatalf("%v in %s", err, b)
	}
}
