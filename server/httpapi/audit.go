package httpapi

import (
	"io"
	"net/http"

	"proctor/server/auth"
)

// What an audited request fetched (the "kind" key of an audit line).
const (
	auditSegment = "segment" // GET .../segments/{seq}
	auditInit    = "init"    // GET .../init.mp4
	auditExport  = "export"  // GET .../media.mp4
)

// audited wraps a video endpoint so that every request to it, answered or
// refused, writes one info line to the audit log once the answer is
// done: exam video is personal data, and who read which session's video
// must be answerable later. One line per request, never one per segment
// inside an export. The keys are the same for every kind (empty when they
// do not apply), so a log query needs no per-kind cases:
//
//	audit=true component=audit kind subject role session sentinel
//	seq generation from to method status bytes remote
//
// seq is the segment's sequence, or for an export the range served
// ("first-last"); from and to are an export's query as given; bytes are
// the body bytes written (short of Content-Length when the client left).
func (a *API) audited(kind string, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c auth.Claims) error {
		aw := &auditWriter{ResponseWriter: w}
		if err := h(aw, r, c); err != nil {
			a.fail(aw, r, err)
		}
		status := aw.status
		if status == 0 {
			status = http.StatusOK
		}
		q, hdr := r.URL.Query(), aw.Header()
		seq := r.PathValue("seq")
		if kind == auditExport {
			seq = hdr.Get("X-Proctor-Sequences")
		}
		a.auditLog.Info("video read", "kind", kind, "subject", c.Subject, "role", string(c.Role),
			"session", r.PathValue("sid"), "sentinel", r.PathValue("id"), "seq", seq,
			"generation", hdr.Get("X-Proctor-Generation"), "from", q.Get("from"), "to", q.Get("to"),
			"method", r.Method, "status", status, "bytes", aw.bytes, "remote", r.RemoteAddr)
		return nil
	}
}

// auditWriter remembers the status and counts the body bytes of an answer.
type auditWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *auditWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *auditWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the wrapped writer's ReadFrom (sendfile of segment
// files) in use, counting what it copied.
func (w *auditWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (w *auditWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
