package sentinel

import "errors"

// Errors of this package. Callers match them with errors.Is; the wrapped
// message names the source or setting at fault.
var (
	// ErrUnknownSource means the source is neither test, screen, a V4L2
	// device nor a file that exists.
	ErrUnknownSource = errors.New("unknown source")
	// ErrSource means the source could not be opened or read: a missing or
	// unreadable file, a display that does not exist, a busy camera.
	ErrSource = errors.New("cannot open source")
	// ErrConfig means a setting is out of range.
	ErrConfig = errors.New("invalid configuration")
	// ErrEncoder means libx264 or the mp4 muxer failed.
	ErrEncoder = errors.New("encoder failed")
	// ErrClosed means the Sentinel was closed.
	ErrClosed = errors.New("sentinel closed")
)
