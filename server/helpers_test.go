package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/store"
)

// env is a real server on a loopback port.
type env struct {
	s      *Server
	ws     string // ws://127.0.0.1:port
	http   string
	signer *auth.Signer
	cfg    Config
	cancel context.CancelFunc
	done   chan error
}

func testConfig(dir string) Config {
	return Config{DataDir: dir, Secret: testSecret, Window: 5 * time.Second,
		HeartbeatEvery: 100 * time.Millisecond, Grace: 5 * time.Second, WriteTimeout: 5 * time.Second,
		ShutdownTimeout: 5 * time.Second}
}

func startServer(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	cfg := testConfig(t.TempDir())
	if mod != nil {
		mod(&cfg)
	}
	return startServerConfig(t, cfg)
}

func startServerConfig(t testing.TB, cfg Config) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{s: s, ws: "ws://" + ln.Addr().String(), http: "http://" + ln.Addr().String(),
		cfg: s.cfg, cancel: cancel, done: make(chan error, 1)}
	e.signer, _ = auth.NewSigner(cfg.Secret)
	go func() { e.done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { e.stop(t) })
	return e
}

// stop shuts the server down (idempotent).
func (e *env) stop(t testing.TB) {
	e.cancel()
	if err, ok := <-e.done; ok {
		close(e.done)
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func (e *env) token(role auth.Role, sub string) string {
	return e.signer.Sign(auth.Claims{Role: role, Subject: sub, Expiry: time.Now().Add(time.Hour).Unix()})
}

func (e *env) dial(path, tok string) (*websocket.Conn, error) {
	h := http.Header{}
	if tok != "" {
		h.Set("Authorization", "Bearer "+tok)
	}
	c, _, err := websocket.DefaultDialer.Dial(e.ws+path, h)
	return c, err
}

// pub is a test Sentinel connection.
type pub struct {
	t       testing.TB
	c       *websocket.Conn
	id      string
	welcome proto.Welcome
}

// publish connects as Sentinel id into session sid (may be empty),
// retrying while the server still holds a previous connection.
func (e *env) publish(t testing.TB, id, sid string) *pub {
	t.Helper()
	for i := 0; ; i++ {
		p, err := e.tryPublish(id, sid)
		if err == nil {
			t.Cleanup(func() { p.c.Close() })
			return p
		}
		if i == 50 || !strings.Contains(err.Error(), proto.CodeConflict) {
			t.Fatalf("publish %s: %v", id, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) tryPublish(id, sid string) (*pub, error) {
	c, err := e.dial("/v1/ingest", e.token(auth.RoleSentinel, id))
	if err != nil {
		return nil, err
	}
	hello := proto.Hello{Type: proto.TypeHello, Sentinel: id, Session: sid, Source: proto.SourceTest}
	if err := c.WriteJSON(hello); err != nil {
		return nil, err
	}
	m, err := readJSON(c)
	if err != nil {
		return nil, err
	}
	switch m := m.(type) {
	case *proto.Welcome:
		return &pub{c: c, id: id, welcome: *m}, nil
	case *proto.Error:
		c.Close()
		return nil, m
	}
	return nil, fmt.Errorf("unexpected %T", m)
}

func (p *pub) sendInit(t testing.TB, gen uint64, payload []byte) {
	t.Helper()
	msg := proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: p.id, Seq: gen}, payload)
	if err := p.c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
		t.Fatal(err)
	}
}

// segBase is the wall time of sequence 0 in segMsg: the start of the test
// run, so that segments are inside the server's clock tolerance.
var segBase = time.Now().UnixMicro()

// segMsg is the binary message of segment seg with sequence seq.
func segMsg(id string, seq uint64, seg clipSeg) []byte {
	h := proto.Header{Kind: proto.KindMedia, Sentinel: id, Seq: seq,
		Time: segBase + int64(seq)*int64(seg.dur), Duration: seg.dur}
	if seg.key {
		h.Flags = proto.FlagKeyframe
	}
	return proto.Marshal(h, seg.payload)
}

func (p *pub) sendSeg(t testing.TB, seq uint64, seg clipSeg) {
	t.Helper()
	if err := p.c.WriteMessage(websocket.BinaryMessage, segMsg(p.id, seq, seg)); err != nil {
		t.Fatal(err)
	}
}

func readJSON(c *websocket.Conn) (any, error) {
	typ, b, err := c.ReadMessage()
	if err != nil {
		return nil, err
	}
	if typ != websocket.TextMessage {
		return nil, fmt.Errorf("binary message where JSON expected")
	}
	return proto.DecodeMessage(b)
}

// expectError reads until an error message arrives and checks its code
// and that the server then closes the connection.
func expectError(t testing.TB, c *websocket.Conn, code string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		typ, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("connection ended without error %q: %v", code, err)
		}
		if typ != websocket.TextMessage {
			continue
		}
		var m struct{ Type, Code, Message string }
		json.Unmarshal(b, &m)
		if m.Type != proto.TypeError {
			continue
		}
		if m.Code != code {
			t.Fatalf("error %q (%s), want %q", m.Code, m.Message, code)
		}
		break
	}
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return // closed, as it should be
		}
	}
}

// watch connects a proctor and subscribes to ids.
func (e *env) watch(t testing.TB, ids ...string) *websocket.Conn {
	t.Helper()
	c, err := e.dial("/v1/watch", e.token(auth.RoleProctor, "proctor1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	m, err := readJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*proto.Sentinels); !ok {
		t.Fatalf("first watch message %T, want the sentinel list", m)
	}
	if len(ids) > 0 {
		if err := c.WriteJSON(proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: ids}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// received is what a watcher got of one stream.
type received struct {
	inits   []uint64
	seqs    []uint64
	msgs    [][]byte
	skipped []proto.Skipped
}

// collect reads from a watcher until n media segments of id arrived.
func collect(t testing.TB, c *websocket.Conn, id string, n int) *received {
	t.Helper()
	r := &received{}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	for len(r.seqs) < n {
		typ, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("after %d segments: %v", len(r.seqs), err)
		}
		if typ == websocket.TextMessage {
			m, err := proto.DecodeMessage(b)
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := m.(*proto.Skipped); ok && s.Sentinel == id {
				r.skipped = append(r.skipped, *s)
			}
			continue
		}
		h, _, err := proto.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if h.Sentinel != id {
			continue
		}
		if h.Kind == proto.KindInit {
			r.inits = append(r.inits, h.Seq)
			continue
		}
		r.seqs = append(r.seqs, h.Seq)
		r.msgs = append(r.msgs, b)
	}
	return r
}

func inOrder(seqs []uint64, first uint64) error {
	for i, s := range seqs {
		if s != first+uint64(i) {
			return fmt.Errorf("segment %d has sequence %d, want %d", i, s, first+uint64(i))
		}
	}
	return nil
}

func newTestSigner() (*auth.Signer, error) { return auth.NewSigner(testSecret) }

func reviewerClaims() auth.Claims {
	return auth.Claims{Role: auth.RoleReviewer, Subject: "r", Expiry: time.Now().Add(time.Hour).Unix()}
}

// httpDo GETs url with a bearer token and returns the status.
func httpDo(url, tok string) (int, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func storeConfigSync(p string) store.Config { return store.Config{Sync: store.SyncPolicy(p)} }

// stalledWatcher subscribes to id on a watch connection with a 4 KiB
// receive buffer and is never read again: a watcher that stopped reading.
func (e *env) stalledWatcher(t testing.TB, id string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	}}
	h := http.Header{"Authorization": {"Bearer " + e.token(auth.RoleProctor, "stalled")}}
	c, _, err := d.Dial(e.ws+"/v1/watch", h)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteJSON(proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: []string{id}}); err != nil {
		t.Fatal(err)
	}
	return c
}
