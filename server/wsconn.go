package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/httpapi"
)

// errTooLarge means a received message is over the size limit.
var errTooLarge = errors.New("message too large")

// newUpgrader returns the upgrader of one endpoint. Watchers get a small
// write buffer: gorilla copies only what fits in it and hands the rest of
// a message to writev, so relayed payloads are not copied per watcher.
func newUpgrader(writeBuf int) *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:   4096,
		WriteBufferSize:  writeBuf,
		HandshakeTimeout: 10 * time.Second,
		// Credentials are bearer tokens, not cookies: any origin may connect.
		CheckOrigin: func(*http.Request) bool { return true },
		// A request that is not a WebSocket handshake gets the JSON error
		// body of every HTTP error, not gorilla's text.
		Error: func(w http.ResponseWriter, _ *http.Request, status int, reason error) {
			httpapi.WriteError(w, status, proto.CodeBadRequest, "a WebSocket endpoint: "+reason.Error())
		},
	}
}

// scratchPool holds read buffers shared by all connections, so an idle
// connection does not keep one the size of its largest message.
var scratchPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readMessage reads one message, refusing more than limit bytes, and
// returns a copy of exactly its length (so rings and stores hold no spare
// capacity). It enforces the limit itself: gorilla's read limit would
// close the socket before the JSON error could be sent.
func readMessage(c *websocket.Conn, limit int64) (int, []byte, error) {
	typ, r, err := c.NextReader()
	if err != nil {
		return 0, nil, err
	}
	scratch := scratchPool.Get().(*bytes.Buffer)
	defer scratchPool.Put(scratch)
	scratch.Reset()
	n, err := scratch.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return 0, nil, err
	}
	if n > limit {
		return typ, nil, fmt.Errorf("%w: over %d bytes", errTooLarge, limit)
	}
	return typ, bytes.Clone(scratch.Bytes()), nil
}

// writeJSON encodes m and writes it as a text message with a deadline.
func writeJSON(c *websocket.Conn, m any, timeout time.Duration) error {
	b, err := proto.Encode(m)
	if err != nil {
		return err
	}
	c.SetWriteDeadline(time.Now().Add(timeout))
	return c.WriteMessage(websocket.TextMessage, b)
}

// fail sends a proto.Error, a close frame, and closes the connection. The
// caller must own the connection's writes.
func fail(c *websocket.Conn, e *proto.Error, timeout time.Duration) {
	writeJSON(c, e, timeout)
	c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeCode(e.Code), e.Code), time.Now().Add(timeout))
	lingerClose(c)
}

// lingerClose half-closes the connection and discards what the peer still
// sends for a moment before closing, so that closing with unread input
// (a refused oversized message) does not reset the connection and destroy
// the error message in flight. Nobody else may be reading c.
func lingerClose(c *websocket.Conn) {
	nc := c.NetConn()
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		nc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		io.Copy(io.Discard, nc)
	}
	nc.Close()
}

// closeCode is the WebSocket close code that goes with an error code.
func closeCode(code string) int {
	switch code {
	case proto.CodeShutdown:
		return websocket.CloseGoingAway
	case proto.CodeInternal:
		return websocket.CloseInternalServerErr
	case proto.CodeTooLarge:
		return websocket.CloseMessageTooBig
	}
	return websocket.ClosePolicyViolation
}

// errorFor maps a decode or validation error to its protocol error.
func errorFor(err error) *proto.Error {
	code := proto.CodeBadMessage
	switch {
	case errors.Is(err, errTooLarge):
		code = proto.CodeTooLarge
	case errors.Is(err, proto.ErrID):
		code = proto.CodeBadID
	case errors.Is(err, proto.ErrHeader):
		code = proto.CodeBadHeader
	case errors.Is(err, proto.ErrInit), errors.Is(err, proto.ErrMedia):
		code = proto.CodeBadPayload
	}
	return proto.NewError(code, "%v", err)
}

// clientIP is the remote address without the port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipLimiter counts open connections per client address.
type ipLimiter struct {
	max int

	mu    sync.Mutex
	conns map[string]int
}

func newIPLimiter(max int) *ipLimiter { return &ipLimiter{max: max, conns: make(map[string]int)} }

// acquire takes a slot for ip and reports whether one was free.
func (l *ipLimiter) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[ip] >= l.max {
		return false
	}
	l.conns[ip]++
	return true
}

func (l *ipLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[ip]--; l.conns[ip] <= 0 {
		delete(l.conns, ip)
	}
}

// admit runs the checks every WebSocket connection of the JSON protocol
// goes through: the server is not stopping, the client address is under
// its connection limit, the token is valid and may do what the endpoint
// does. On success the caller calls release when the connection ends; on
// failure the connection has been answered with its error and closed.
func (s *Server) admit(c *websocket.Conn, r *http.Request, may func(auth.Claims) bool, what string) (auth.Claims, func(), bool) {
	if !s.track() {
		fail(c, proto.NewError(proto.CodeShutdown, "server is shutting down"), s.cfg.WriteTimeout)
		return auth.Claims{}, nil, false
	}
	refuse := func(e *proto.Error) (auth.Claims, func(), bool) {
		s.m.rejected.Inc(e.Code)
		fail(c, e, s.cfg.WriteTimeout)
		return auth.Claims{}, nil, false
	}
	ip := clientIP(r)
	if !s.limiter.acquire(ip) {
		defer s.conns.Done()
		return refuse(proto.NewError(proto.CodeLimit, "too many connections from %s", ip))
	}
	release := func() {
		s.limiter.release(ip)
		s.conns.Done()
	}
	claims, err := s.signer.Verify(auth.FromRequest(r), s.now())
	if err != nil {
		defer release()
		return refuse(proto.NewError(proto.CodeUnauthorized, "%v", err))
	}
	if !may(claims) {
		defer release()
		return refuse(proto.NewError(proto.CodeForbidden, "role %s may not %s", claims.Role, what))
	}
	return claims, release, true
}
