package store

import "errors"

// Errors of the store. Callers match them with errors.Is; the wrapped message
// says which stream and what exactly.
var (
	// ErrNotFound means the stream, segment or init generation is not stored
	// (never stored, or already removed by retention).
	ErrNotFound = errors.New("not found")
	// ErrSequence means an appended segment's sequence number does not exceed
	// the last one stored in its stream.
	ErrSequence = errors.New("sequence not increasing")
	// ErrClosed means the Store has been closed.
	ErrClosed = errors.New("store closed")
	// ErrCorrupt means stored bytes fail their checksum or do not line up with
	// the index; Open cuts such a tail, a later read may still meet it.
	ErrCorrupt = errors.New("corrupt data")
	// ErrInvalid means a bad argument: an id that is not proto.ValidID, or a
	// configuration value out of range.
	ErrInvalid = errors.New("invalid argument")
	// ErrLocked means another Store has the directory open.
	ErrLocked = errors.New("store directory in use")
)

// errRemoved tells Store.Append that retention removed the stream between the
// lookup and the write; it retries with a fresh stream. Never returned.
var errRemoved = errors.New("stream removed")
