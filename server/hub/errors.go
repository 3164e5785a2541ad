package hub

import "errors"

// ErrClosed is returned by a Cursor whose stream or hub was closed.
var ErrClosed = errors.New("hub: stream closed")

// ErrConfig is returned by Config.Validate.
var ErrConfig = errors.New("hub: invalid configuration")
