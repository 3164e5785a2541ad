package server

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// The seed-compatible endpoint (seed 004): ws://HOST/{CHANNEL}/{KEY}/{KIND}
// with raw fMP4 bytes in binary messages, text "h" heartbeats both ways,
// "ERROR: ..." then a close for every refusal.
const (
	seedPublish    = "publish"
	seedReceive    = "receive"
	seedReceiveNew = "receive-clear-cache"
	seedProbe      = "probe"
)

// seedHeartbeat is how often the server sends its "h" heartbeat, well
// inside the one-minute inactivity limit of the seed protocol.
const seedHeartbeat = 20 * time.Second

// seedName reports whether s fits the seed protocol's channel and key
// alphabet: a-z 0-9 - _ (and, as a Sentinel id, at most 64 characters).
func seedName(s string) bool {
	if s == "" || len(s) > proto.MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// seedConn is one seed-protocol connection. Writes are serialised by wmu;
// the heartbeat goroutine and the connection's own goroutine both write.
type seedConn struct {
	s   *Server
	c   *websocket.Conn
	log *slog.Logger

	wmu    sync.Mutex
	closed bool
}

func (sc *seedConn) write(kind int, b []byte) error {
	sc.wmu.Lock()
	defer sc.wmu.Unlock()
	if sc.closed {
		return errSeedClosed
	}
	sc.c.SetWriteDeadline(time.Now().Add(sc.s.cfg.WriteTimeout))
	return sc.c.WriteMessage(kind, b)
}

var errSeedClosed = errors.New("connection closed")

// refuse sends "ERROR: msg" and closes, as the seed protocol says.
func (sc *seedConn) refuse(msg string) {
	sc.s.m.rejected.Inc("seed")
	sc.log.Info("seed connection refused", "reason", msg)
	sc.write(websocket.TextMessage, []byte("ERROR: "+msg))
	sc.close(websocket.ClosePolicyViolation, msg)
}

// close sends a close frame and closes the socket; later writes fail.
func (sc *seedConn) close(code int, text string) {
	sc.wmu.Lock()
	if sc.closed {
		sc.wmu.Unlock()
		return
	}
	sc.closed = true
	sc.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(sc.s.cfg.WriteTimeout))
	sc.wmu.Unlock()
	lingerClose(sc.c)
}

// heartbeat sends "h" every seedHeartbeat until done is closed.
func (sc *seedConn) heartbeat(done <-chan struct{}) {
	t := time.NewTicker(seedHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if sc.write(websocket.TextMessage, []byte("h")) != nil {
				return
			}
		}
	}
}

// seedKeyKind is the stream key kind a seed connection kind needs: only
// publish publishes; receive, receive-clear-cache and probe read.
func seedKeyKind(kind string) auth.StreamKind {
	if kind == seedPublish {
		return auth.StreamPublish
	}
	return auth.StreamReceive
}

// handleSeed serves GET /{channel}/{key}/{kind}.
func (s *Server) handleSeed(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	switch kind {
	case seedPublish, seedReceive, seedReceiveNew, seedProbe:
	default:
		http.NotFound(w, r)
		return
	}
	c, err := s.ingestUp.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sc := &seedConn{s: s, c: c, log: s.log.With("remote", r.RemoteAddr, "seed", kind)}
	if !s.track() {
		sc.refuse("Server is shutting down")
		return
	}
	defer s.conns.Done()
	ip := clientIP(r)
	if !s.limiter.acquire(ip) {
		sc.refuse("Too many connections")
		return
	}
	defer s.limiter.release(ip)
	channel, key := r.PathValue("channel"), r.PathValue("key")
	switch {
	case !seedName(channel):
		sc.refuse("Invalid channel: use 1-64 characters of a-z 0-9 - _")
		return
	case !seedName(key):
		sc.refuse("Invalid streaming key: use a-z 0-9 - _")
		return
	}
	if err := s.signer.VerifyStreamKey(channel, key, seedKeyKind(kind), s.now()); err != nil {
		sc.refuse("Invalid streaming key: " + err.Error())
		return
	}
	sc.log = sc.log.With("sentinel", channel)
	if kind == seedPublish {
		sc.publish(channel)
		return
	}
	sc.receive(channel, kind)
}
