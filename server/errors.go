package server

import "errors"

// Errors of this package.
var (
	// ErrConfig means a Config value is out of range.
	ErrConfig = errors.New("invalid server configuration")
	// ErrClosed means the server is shutting down.
	ErrClosed = errors.New("server closed")
)
