package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// peer is a small protocol peer for tests that do not need the real
// server: it speaks the documented /v1/ingest and /v1/watch messages over a
// real loopback WebSocket, keeps what a publisher sends, and lets a test cut
// connections, refuse clients and push control messages.
type peer struct {
	t     testing.TB
	srv   *httptest.Server
	token string
	up    websocket.Upgrader

	mu       sync.Mutex
	cond     *sync.Cond
	next     uint64        // the sequence the peer expects from a publisher
	stored   []uint64      // media sequences stored, in order
	dups     int           // media segments with seq < next
	gaps     int           // media segments with seq > next
	inits    []uint64      // init generations received, in order
	hellos   []proto.Hello // every hello
	details  []map[string]string
	ended    bool
	refuse   []*proto.Error // errors answered to the next hellos, in turn
	dropAt   map[uint64]bool
	conns    map[*websocket.Conn]bool
	noKeep   bool                // push relays without keeping (benchmarks)
	maxSubs  int                 // subscriptions per watcher connection (0: no limit)
	ctrl     []any               // control messages a publisher connection sends on connect
	watchIn  []any               // messages received from watchers
	media    map[string][][]byte // per sentinel: init then media messages, for watchers
	watchers map[*websocket.Conn]*peerWatcher
}

func newPeer(t testing.TB, token string) *peer {
	p := &peer{t: t, token: token, conns: map[*websocket.Conn]bool{}, dropAt: map[uint64]bool{},
		media: map[string][][]byte{}, watchers: map[*websocket.Conn]*peerWatcher{}}
	p.cond = sync.NewCond(&p.mu)
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/ingest", p.ingest)
	mux.HandleFunc("/v1/watch", p.watch)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(func() { p.kill(); p.srv.Close() })
	return p
}

func (p *peer) config() Config {
	return Config{Server: p.srv.URL, Token: p.token, MinBackoff: 10_000_000, MaxBackoff: 50_000_000}
}

func (p *peer) authorized(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") == "Bearer "+p.token {
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	var e proto.HTTPError
	e.Error.Code, e.Error.Message = proto.CodeUnauthorized, "bad token"
	json.NewEncoder(w).Encode(e)
	return false
}

// wait blocks until cond holds (checked under p.mu) or the test context ends.
func (p *peer) wait(ctx context.Context, cond func() bool) bool {
	stop := context.AfterFunc(ctx, func() { p.mu.Lock(); p.cond.Broadcast(); p.mu.Unlock() })
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for !cond() {
		if ctx.Err() != nil {
			return false
		}
		p.cond.Wait()
	}
	return true
}

// kill cuts every open connection without a close handshake.
func (p *peer) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.NetConn().Close()
	}
}

func (p *peer) track(c *websocket.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
	p.cond.Broadcast()
}

func (p *peer) ingest(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(w, r) {
		return
	}
	c, err := p.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	p.track(c, true)
	defer p.track(c, false)
	defer c.Close()
	_, b, err := c.ReadMessage()
	if err != nil {
		return
	}
	m, err := proto.DecodeMessage(b)
	hello, ok := m.(*proto.Hello)
	if err != nil || !ok {
		c.WriteJSON(proto.NewError(proto.CodeBadMessage, "want hello"))
		return
	}
	p.mu.Lock()
	p.hellos = append(p.hellos, *hello)
	if len(p.refuse) > 0 {
		e := p.refuse[0]
		p.refuse = p.refuse[1:]
		p.mu.Unlock()
		c.WriteJSON(e)
		return
	}
	sid := hello.Session
	if sid == "" {
		sid = "s1"
	}
	welcome := proto.Welcome{Type: proto.TypeWelcome, Session: sid, Next: p.next}
	ctrl := p.ctrl
	p.mu.Unlock()
	c.WriteJSON(welcome)
	for _, m := range ctrl {
		c.WriteJSON(m)
	}
	var scratch bytes.Buffer // nothing received is kept, so one buffer does
	for {
		typ, r, err := c.NextReader()
		if err != nil {
			return
		}
		scratch.Reset()
		if _, err := scratch.ReadFrom(r); err != nil {
			return
		}
		b := scratch.Bytes()
		if typ == websocket.TextMessage {
			m, _ := proto.DecodeMessage(b)
			p.mu.Lock()
			switch m := m.(type) {
			case *proto.End:
				p.ended = true
			case *proto.Details:
				p.details = append(p.details, m.Details)
			}
			p.cond.Broadcast()
			p.mu.Unlock()
			continue
		}
		h, _, err := proto.Decode(b)
		if err != nil {
			p.t.Errorf("peer: bad header: %v", err)
			return
		}
		p.mu.Lock()
		if h.Kind == proto.KindInit {
			p.inits = append(p.inits, h.Seq)
		} else if p.dropAt[h.Seq] {
			// Lost in flight: the connection dies before the segment is stored.
			delete(p.dropAt, h.Seq)
			p.mu.Unlock()
			return
		} else {
			switch {
			case h.Seq < p.next:
				p.dups++
			case h.Seq > p.next:
				p.gaps++
				fallthrough
			default:
				p.stored = append(p.stored, h.Seq)
				p.next = h.Seq + 1
			}
		}
		p.cond.Broadcast()
		p.mu.Unlock()
	}
}
