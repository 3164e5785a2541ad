package ui

import "errors"

// Errors a Dialer returns, wrapped, so the connect screen can say what went
// wrong in words a proctor understands.
var (
	// ErrUnreachable: nothing answers at the server address.
	ErrUnreachable = errors.New("server unreachable")
	// ErrRefused: the server refused the token (unknown, expired, wrong role).
	ErrRefused = errors.New("token refused")
	// ErrVersion: the server speaks another protocol version.
	ErrVersion = errors.New("incompatible server version")
	// ErrAddress: the server address is not a usable http(s) URL.
	ErrAddress = errors.New("invalid server address")
	// ErrPrefs: a preference value is out of range (attention thresholds).
	ErrPrefs = errors.New("invalid preference")
)
