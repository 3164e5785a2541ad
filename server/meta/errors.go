package meta

import "errors"

// Errors of this package. Callers match them with errors.Is; the wrapped
// message says what exactly was wrong.
var (
	// ErrNotFound means the session does not exist.
	ErrNotFound = errors.New("session not found")
	// ErrFinal means the session is in a closed state and cannot change
	// state, be started again, receive heartbeats or new Sentinels.
	ErrFinal = errors.New("session is closed")
	// ErrTransition means the state change is not allowed by the lifecycle
	// (open back to waiting).
	ErrTransition = errors.New("state transition not allowed")
	// ErrInvalid means an argument is malformed: an id, a state, a marker
	// field, details over the bounds, a negative limit or a bad cursor.
	ErrInvalid = errors.New("invalid argument")
	// ErrSchema means the database was written by a newer program (its
	// schema version is above the newest migration known here).
	ErrSchema = errors.New("unknown schema version")
)
