package seed

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/wsconn"
)

// The seed-compatible endpoint (seed 004): ws://HOST/{CHANNEL}/{KEY}/{KIND}
// with raw fMP4 bytes in binary messages, text "h" heartbeats both ways,
// "ERROR: ..." then a close for every refusal.
const (
	Publish    = "publish"
	Receive    = "receive"
	ReceiveNew = "receive-clear-cache"
	Probe      = "probe"
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
	s    *Server
	c    *websocket.Conn
	log  *slog.Logger
	quit chan struct{} // closed by Stop

	wmu    sync.Mutex
	closed bool

	mu       sync.Mutex
	stopping bool
	final    *proto.Error   // why Stop ended the connection
	pub      *seedPublisher // set while publishing
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
	sc.s.m.Rejected.Add(1)
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
	wsconn.LingerClose(sc.c)
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

// Stop ends the connection with e: a publisher is told and stops
// reading, a receiver or probe stops waiting. Safe from any goroutine.
func (sc *seedConn) Stop(e *proto.Error) {
	sc.mu.Lock()
	if sc.stopping {
		sc.mu.Unlock()
		return
	}
	sc.stopping, sc.final = true, e
	close(sc.quit)
	sp := sc.pub
	sc.mu.Unlock()
	if sp != nil {
		sp.stop(e)
	}
}

// publishing registers sp as the connection's publisher; when Stop came
// first, sp is stopped at once.
func (sc *seedConn) publishing(sp *seedPublisher) {
	sc.mu.Lock()
	sc.pub = sp
	stopping, e := sc.stopping, sc.final
	sc.mu.Unlock()
	if stopping {
		sp.stop(e)
	}
}

// stopReason is what a receiver stopped by Stop tells its peer.
func (sc *seedConn) stopReason() string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.final != nil {
		return sc.final.Message
	}
	return "Connection closed"
}

// Kill closes the socket at once, for a shutdown out of time.
func (sc *seedConn) Kill() { sc.c.NetConn().Close() }

// ServeHTTP serves GET /{channel}/{key}/{kind}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	switch kind {
	case Publish, Receive, ReceiveNew, Probe:
	default:
		http.NotFound(w, r)
		return
	}
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sc := &seedConn{s: s, c: c, log: s.log.With("remote", r.RemoteAddr, "seed", kind), quit: make(chan struct{})}
	if !s.conns.Add(sc) {
		sc.refuse("Server is shutting down")
		return
	}
	defer s.conns.Done(sc)
	release, ok := s.gate.Acquire(r)
	if !ok {
		sc.refuse("Too many connections")
		return
	}
	defer release()
	channel, key := r.PathValue("channel"), r.PathValue("key")
	switch {
	case !seedName(channel):
		sc.refuse("Invalid channel: use 1-64 characters of a-z 0-9 - _")
		return
	case !seedName(key):
		sc.refuse("Invalid streaming key: use a-z 0-9 - _")
		return
	case !s.gate.VerifyStreamKey(channel, key):
		sc.refuse("Invalid streaming key")
		return
	}
	sc.log = sc.log.With("sentinel", channel)
	if kind == Publish {
		sc.publish(channel)
		return
	}
	sc.receive(channel, kind)
}
