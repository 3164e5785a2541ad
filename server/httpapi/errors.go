package httpapi

import "errors"

// ErrFragment means a stored media segment is not the box sequence it
// should be (a moof without a readable mfhd, a box that overruns the
// segment). media.mp4 stops at such a segment.
var ErrFragment = errors.New("malformed fMP4 fragment")
