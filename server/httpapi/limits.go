package httpapi

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"proctor/proto"
)

// LimitConfig configures Limits.
type LimitConfig struct {
	// WriteTimeout is the deadline of each write of a response, renewed
	// before every write: a download at any steady pace runs to its end,
	// a client that stops reading is cut after WriteTimeout.
	WriteTimeout time.Duration
	// MaxBody bounds a request body; 0 takes no body anywhere.
	MaxBody int64
}

// copyChunk is how much of a ReadFrom (sendfile) goes under one write
// deadline.
const copyChunk = 256 << 10

// Limits serves h under per-request limits that http.Server's own fields
// cannot express:
//
//   - GET and HEAD (and every other method but POST, PUT and PATCH) take
//     no body: one with a body gets 413 too_large. POST, PUT and PATCH
//     need a Content-Length (411 otherwise), of at most MaxBody (413), and
//     read through http.MaxBytesReader.
//   - An error answer to a request whose body may be unread carries
//     "Connection: close", so net/http does not first read (and wait for)
//     the rest of a body nobody wants.
//   - A request without a body has its read deadline (http.Server's
//     ReadTimeout) lifted once read: net/http keeps a background read on
//     the connection, and its timeout would cancel the context of a long
//     download.
//   - Each write is under WriteTimeout from the moment it starts,
//     unlike http.Server.WriteTimeout, which bounds the whole response.
//
// WebSocket upgrades pass through: the hijacked connection leaves with no
// deadline (gorilla clears them) and keeps its own.
func Limits(h http.Handler, cfg LimitConfig) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lw := &limitWriter{ResponseWriter: w, rc: http.NewResponseController(w), timeout: cfg.WriteTimeout,
			hasBody: r.ContentLength != 0}
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			switch {
			case r.ContentLength < 0:
				WriteError(lw, http.StatusLengthRequired, proto.CodeBadRequest, "a request body needs a Content-Length")
				return
			case r.ContentLength > cfg.MaxBody:
				WriteError(lw, http.StatusRequestEntityTooLarge, proto.CodeTooLarge,
					fmt.Sprintf("a request body may have at most %d bytes", cfg.MaxBody))
				return
			}
			r.Body = http.MaxBytesReader(lw, r.Body, cfg.MaxBody)
		default:
			if r.ContentLength != 0 {
				WriteError(lw, http.StatusRequestEntityTooLarge, proto.CodeTooLarge,
					r.Method+" requests take no body")
				return
			}
			_ = lw.rc.SetReadDeadline(time.Time{})
		}
		h.ServeHTTP(lw, r)
	})
}

// limitWriter renews the write deadline before each write and closes the
// connection after an error answer to a request with a body.
type limitWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	hasBody bool
}

func (w *limitWriter) renew() {
	if w.timeout > 0 {
		_ = w.rc.SetWriteDeadline(time.Now().Add(w.timeout))
	}
}

func (w *limitWriter) WriteHeader(status int) {
	if w.hasBody && status >= 400 {
		w.Header().Set("Connection", "close")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *limitWriter) Write(b []byte) (int, error) {
	w.renew()
	return w.ResponseWriter.Write(b)
}

// ReadFrom copies in chunks of copyChunk, each under a renewed deadline,
// through the wrapped writer's ReadFrom (sendfile for files).
func (w *limitWriter) ReadFrom(src io.Reader) (int64, error) {
	var total int64
	for {
		w.renew()
		n, err := io.Copy(w.ResponseWriter, io.LimitReader(src, copyChunk))
		total += n
		if err != nil || n < copyChunk {
			return total, err
		}
	}
}

// Flush sends what is buffered, under a renewed deadline.
func (w *limitWriter) Flush() {
	w.renew()
	_ = w.rc.Flush()
}

// Hijack hands the connection over (WebSocket upgrades) with no deadline
// left from this request.
func (w *limitWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := w.rc.Hijack()
	if err == nil {
		_ = c.SetDeadline(time.Time{})
	}
	return c, brw, err
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (w *limitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
