package httpapi

import (
	"io"
	"net/http"
	"time"

	"proctor/proto"
)

// JSONErrors serves mux, giving the answers the mux makes by itself the
// JSON error body of every other error instead of http.Error's text: a
// path that no route matches gets 404 not_found, a method that no route
// of the path takes gets 405 bad_request (with the mux's Allow header).
// A request that matches a route reaches it with the ResponseWriter as
// it came (WebSocket upgrades hijack it), at the cost of one more route
// lookup.
func JSONErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			// 404, 405, or a redirect to the cleaned path (passes through).
			w = &errorWriter{ResponseWriter: w, errorFor: muxError}
		}
		mux.ServeHTTP(w, r)
	})
}

func muxError(status int, h http.Header) (code, msg string) {
	switch {
	case status == http.StatusNotFound:
		return proto.CodeNotFound, "no endpoint has this path"
	case status == http.StatusMethodNotAllowed:
		return proto.CodeBadRequest, "method not allowed here; this path takes " + h.Get("Allow")
	case status >= 400: // 400 for a request URI of "*"
		return proto.CodeBadRequest, http.StatusText(status)
	}
	return "", ""
}

// serveContent is http.ServeContent (ranges, conditional requests on the
// ETag already set) with JSON error bodies: ServeContent answers an
// unsatisfiable Range with a text/plain 416, a failed If-Match with a
// bodiless 412 still labelled video/mp4, and a content that cannot seek
// (not ours) with a text/plain 500. A 304 passes through: it has no body.
func serveContent(w http.ResponseWriter, r *http.Request, content io.ReadSeeker) {
	http.ServeContent(&errorWriter{ResponseWriter: w, errorFor: contentError}, r, "", time.Time{}, content)
}

func contentError(status int, h http.Header) (code, msg string) {
	switch status {
	case http.StatusRequestedRangeNotSatisfiable: // WriteError keeps Content-Range: bytes */SIZE
		return proto.CodeBadRequest, "the range is outside the content (" + h.Get("Content-Range") + ")"
	case http.StatusPreconditionFailed:
		return proto.CodeBadRequest, "If-Match does not name the current ETag"
	case http.StatusInternalServerError:
		return proto.CodeInternal, "internal error"
	}
	return "", ""
}

// errorWriter turns an error answer that net/http writes by itself into
// a JSON error body: when WriteHeader gets a status for which errorFor
// returns a code, it writes that error with WriteError instead and drops
// the text body that follows. Other statuses and bodies pass through.
type errorWriter struct {
	http.ResponseWriter
	errorFor func(status int, h http.Header) (code, msg string)
	replaced bool
}

func (w *errorWriter) WriteHeader(status int) {
	if w.replaced {
		return
	}
	if code, msg := w.errorFor(status, w.Header()); code != "" {
		w.replaced = true
		WriteError(w.ResponseWriter, status, code, msg)
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *errorWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// ReadFrom keeps the copy of a body on the wrapped writer's ReadFrom
// (pooled buffers, sendfile) rather than a new buffer per response.
func (w *errorWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.replaced {
		return io.Copy(io.Discard, r)
	}
	return io.Copy(w.ResponseWriter, r)
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (w *errorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
