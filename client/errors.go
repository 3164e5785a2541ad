package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"proctor/proto"
)

// Errors of the client. Callers match them with errors.Is; the wrapped
// message says what the server said.
var (
	// ErrUnauthorized means the server refused the token (HTTP 401, code unauthorized).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden means the token's role may not do this (HTTP 403, code forbidden),
	// e.g. a Sentinel publishing as another id.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound means the session, Sentinel, segment or generation does not exist.
	ErrNotFound = errors.New("not found")
	// ErrVersion means the server speaks another major protocol version.
	ErrVersion = errors.New("incompatible protocol version")
	// ErrUnreachable means the server could not be reached (connection
	// refused, DNS, TLS, timeout).
	ErrUnreachable = errors.New("server unreachable")
	// ErrConflict means another publisher holds the Sentinel id. A Publisher
	// retries it with backoff: the other connection may be its own stale one.
	ErrConflict = errors.New("conflict")
	// ErrSessionClosed means the session is closed and cannot take more media.
	ErrSessionClosed = errors.New("session closed")
	// ErrRejected means the server refused a request or message for another
	// reason (bad id, malformed data, too large); retrying would not help.
	ErrRejected = errors.New("rejected by server")
	// ErrClosed means the Publisher has ended or the Watcher stopped.
	ErrClosed = errors.New("closed")
)

// ServerError is an error the server reported, over WebSocket (proto.Error)
// or HTTP (status and proto.HTTPError body). errors.Is matches it against
// the package's sentinel errors by status and code.
type ServerError struct {
	Status  int // HTTP status; 0 for a WebSocket error message
	Code    string
	Message string
}

func (e *ServerError) Error() string {
	msg := e.Message
	if msg == "" && e.Status != 0 {
		msg = http.StatusText(e.Status)
	}
	if e.Code == "" {
		return fmt.Sprintf("server: %d %s", e.Status, msg)
	}
	return fmt.Sprintf("server: %s: %s", e.Code, msg)
}

// Is maps the error to the package's sentinel errors.
func (e *ServerError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized || e.Code == proto.CodeUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden || e.Code == proto.CodeForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound || e.Code == proto.CodeNotFound
	case ErrConflict:
		return e.Code == proto.CodeConflict && !sessionClosed(e)
	case ErrSessionClosed:
		return sessionClosed(e)
	case ErrRejected:
		return fatal(e) && !errors.Is(e, ErrUnauthorized) && !errors.Is(e, ErrForbidden)
	}
	return false
}

// CodeSessionClosed is the error code a server may use for a session that
// is closed for good. Until proto names one, a conflict whose message says
// the session is closed is treated the same.
const CodeSessionClosed = proto.CodeSessionClosed

func sessionClosed(e *ServerError) bool {
	if e.Code == CodeSessionClosed || e.Code == "closed" {
		return true
	}
	m := strings.ToLower(e.Message)
	return e.Code == proto.CodeConflict && strings.Contains(m, "session") && strings.Contains(m, "closed")
}

// fatal reports whether retrying the same request cannot succeed.
func fatal(e *ServerError) bool {
	switch e.Code {
	case proto.CodeConflict:
		return sessionClosed(e)
	case proto.CodeUnavailable, proto.CodeShutdown, proto.CodeInternal:
		return false // the server asks for a retry: resume from welcome.next
	case proto.CodeUnauthorized, proto.CodeForbidden, proto.CodeBadID, proto.CodeBadHeader,
		proto.CodeBadPayload, proto.CodeBadMessage, proto.CodeTooLarge, proto.CodeBadRequest, proto.CodeSequence,
		CodeSessionClosed, "closed":
		return true
	case "":
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden ||
			e.Status == http.StatusBadRequest || e.Status == http.StatusNotFound
	}
	return false
}
