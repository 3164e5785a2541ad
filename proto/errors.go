package proto

import "errors"

// Errors returned by the decoders of this package. Callers match them with
// errors.Is; the wrapped message says what exactly was wrong.
var (
	// ErrHeader means a binary media header does not parse.
	ErrHeader = errors.New("bad media header")
	// ErrID means a sentinel or session id is not 1-64 characters of a-z A-Z 0-9 - _.
	ErrID = errors.New("invalid id")
	// ErrMessage means a JSON control message is malformed or of an unknown type.
	ErrMessage = errors.New("bad control message")
	// ErrInit means a payload is not a valid init segment (ftyp+moov, one H.264 track).
	ErrInit = errors.New("bad init segment")
	// ErrMedia means a payload is not a valid media segment (moof+mdat pairs).
	ErrMedia = errors.New("bad media segment")
	// ErrTooLarge means a message is over the size limit it was read with.
	ErrTooLarge = errors.New("message too large")
)

// Error codes carried in {"type":"error"} messages and in HTTP error bodies.
const (
	CodeBadHeader    = "bad_header"
	CodeBadPayload   = "bad_payload"
	CodeBadMessage   = "bad_message"
	CodeBadID        = "bad_id"
	CodeTooLarge     = "too_large"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeConflict     = "conflict"
	// CodeSessionClosed refuses publishing into a closed session, for good.
	CodeSessionClosed = "session_closed"
	CodeNotFound      = "not_found"
	CodeBadRequest    = "bad_request"
	CodeLimit         = "limit"
	CodeSequence      = "bad_sequence"
	CodeShutdown      = "shutdown"
	// CodeUnavailable tells a Sentinel that the server cannot store its
	// segments just now (disk full, I/O error): the session stays open, and
	// the Sentinel reconnects after a backoff and resumes from welcome.next
	// with its backlog. Nothing it was not told to resend was lost.
	CodeUnavailable = "unavailable"
	CodeInternal    = "internal"
	// CodeWrongRole refuses a connection a cluster node's role does not
	// serve (HTTP 421): a Sentinel at an edge node, a watcher at an ingest
	// node. Not final: a client with a list of servers tries the next.
	CodeWrongRole = "wrong_role"
)
