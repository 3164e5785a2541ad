package bus

import "errors"

// Errors of the bus. Redis errors are wrapped with %w beside these.
var (
	// ErrConflict: another node holds the Sentinel's lease; the caller
	// answers the second publisher with `conflict`.
	ErrConflict = errors.New("bus: sentinel held by another node")
	// ErrFenced: a write carried an epoch older than the Sentinel's current
	// one, so the node lost the lease to a take-over and must stop writing.
	ErrFenced = errors.New("bus: fenced: a newer epoch holds the sentinel")
	// ErrLeaseLost: a renewal found the lease expired or taken.
	ErrLeaseLost = errors.New("bus: lease lost")
	// ErrClosed: the component was closed.
	ErrClosed = errors.New("bus: closed")
	// ErrEntry: a stream entry does not carry the fields the bus writes.
	ErrEntry = errors.New("bus: malformed stream entry")
	// ErrConfig: a configuration value is out of range.
	ErrConfig = errors.New("bus: invalid configuration")
)
