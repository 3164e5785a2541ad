package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"proctor/proto"
	"proctor/server/meta"
)

// httpError is an error a handler answers with status, code and a
// message safe to show (no paths, no internals).
type httpError struct {
	status int
	code   string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) *httpError {
	return &httpError{http.StatusBadRequest, proto.CodeBadRequest, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *httpError {
	return &httpError{http.StatusNotFound, proto.CodeNotFound, fmt.Sprintf(format, args...)}
}

// pathID returns the path value name of r if it is a valid id; what
// names it in the error ("session", "sentinel").
func pathID(r *http.Request, name, what string) (string, error) {
	return checkID(what, r.PathValue(name))
}

func checkID(what, s string) (string, error) {
	if !proto.ValidID(s) {
		return "", &httpError{http.StatusBadRequest, proto.CodeBadID,
			fmt.Sprintf("%s id must be 1-%d characters of a-z A-Z 0-9 - _", what, proto.MaxIDLen)}
	}
	return s, nil
}

// parseTime parses an optional RFC 3339 time (fractions allowed); empty
// gives the zero time.
func parseTime(q url.Values, name string) (time.Time, error) {
	s := q.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.UnixMicro() <= 0 {
		return time.Time{}, badRequest("%s must be an RFC 3339 time after 1970 such as 2026-01-02T15:04:05.5Z", name)
	}
	return t, nil
}

// parseRange parses the optional from and to of q; to must not be
// before from.
func parseRange(q url.Values) (from, to time.Time, err error) {
	if from, err = parseTime(q, "from"); err != nil {
		return
	}
	if to, err = parseTime(q, "to"); err != nil {
		return
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		err = badRequest("to is before from")
	}
	return
}

// parseUint parses an optional unsigned decimal; empty gives def.
func parseUint(s, name string, def uint64) (uint64, error) {
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, badRequest("%s must be an unsigned decimal integer", name)
	}
	return v, nil
}

// parseLimit parses limit: 1..meta.MaxLimit, meta.DefaultLimit when absent.
func parseLimit(q url.Values) (int, error) {
	v, err := parseUint(q.Get("limit"), "limit", meta.DefaultLimit)
	if err != nil || v < 1 || v > meta.MaxLimit {
		return 0, badRequest("limit must be 1-%d", meta.MaxLimit)
	}
	return int(v), nil
}

// micros converts t to Unix microseconds, 0 for the zero time.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}
