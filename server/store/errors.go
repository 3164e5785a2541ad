package store

import (
	"errors"
	"fmt"
	"syscall"
)

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

// Errors of a store that cannot write for now: the caller should retry
// later (a Sentinel resends from its backlog) rather than give up.
var (
	// ErrUnavailable wraps a transient write failure (ENOSPC, EIO, EDQUOT,
	// kept in the chain for errors.Is) and the free-space guard's refusal:
	// the failed append left nothing behind, and the same segment may be
	// appended again once the store can write.
	ErrUnavailable = errors.New("store unavailable")
	// ErrLowSpace is the free-space guard's reason (with ErrUnavailable):
	// the disk has less than Config.MinFree bytes free.
	ErrLowSpace = errors.New("free space below the minimum")
)

// transient wraps err with ErrUnavailable if its cause is one a later
// attempt may not meet: a full disk or quota, or an I/O error.
func transient(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	for _, e := range []error{syscall.ENOSPC, syscall.EDQUOT, syscall.EIO} {
		if errors.Is(err, e) {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	return err
}
