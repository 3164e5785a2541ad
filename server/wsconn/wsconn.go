package wsconn

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
	"proctor/server/httpapi"
)

// ErrTooLarge means a received message is over the size limit.
var ErrTooLarge = errors.New("message too large")

// NewUpgrader returns the upgrader of one endpoint. Watchers get a small
// write buffer: gorilla copies only what fits in it and hands the rest of
// a message to writev, so relayed payloads are not copied per watcher.
func NewUpgrader(writeBuf int) *websocket.Upgrader {
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

// ReadMessage reads one message, refusing more than limit bytes, and
// returns a copy of exactly its length (so rings and stores hold no spare
// capacity). It enforces the limit itself: gorilla's read limit would
// close the socket before the JSON error could be sent.
func ReadMessage(c *websocket.Conn, limit int64) (int, []byte, error) {
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
		return typ, nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return typ, bytes.Clone(scratch.Bytes()), nil
}

// WriteJSON encodes m and writes it as a text message with a deadline.
func WriteJSON(c *websocket.Conn, m any, timeout time.Duration) error {
	b, err := proto.Encode(m)
	if err != nil {
		return err
	}
	c.SetWriteDeadline(time.Now().Add(timeout))
	return c.WriteMessage(websocket.TextMessage, b)
}

// Fail sends a proto.Error, a close frame, and closes the connection. The
// caller must own the connection's writes.
func Fail(c *websocket.Conn, e *proto.Error, timeout time.Duration) {
	WriteJSON(c, e, timeout)
	c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseCode(e.Code), e.Code), time.Now().Add(timeout))
	LingerClose(c)
}

// LingerClose half-closes the connection and discards what the peer still
// sends for a moment before closing, so that closing with unread input
// (a refused oversized message) does not reset the connection and destroy
// the error message in flight. Nobody else may be reading c.
func LingerClose(c *websocket.Conn) {
	nc := c.NetConn()
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		nc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		io.Copy(io.Discard, nc)
	}
	nc.Close()
}

// CloseCode is the WebSocket close code that goes with an error code.
func CloseCode(code string) int {
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

// ErrorFor maps a decode or validation error to its protocol error.
func ErrorFor(err error) *proto.Error {
	code := proto.CodeBadMessage
	switch {
	case errors.Is(err, ErrTooLarge):
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

// IsTimeout reports whether err is a deadline that passed.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
