package meta

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"proctor/proto"
)

// Bounds of marker fields, in characters (runes).
const (
	MaxLabelLen  = 100
	MaxNoteLen   = 2000
	MaxAuthorLen = 200
)

func checkID(what, id string) error {
	if !proto.ValidID(id) {
		return fmt.Errorf("%w: %s id %q must be 1-%d characters of a-z A-Z 0-9 - _", ErrInvalid, what, id, proto.MaxIDLen)
	}
	return nil
}

// checkText checks that s is valid UTF-8 of minLen to maxLen characters;
// with minLen > 0 it must also hold something other than white space.
func checkText(what, s string, minLen, maxLen int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, what)
	}
	n := utf8.RuneCountInString(s)
	if n < minLen || n > maxLen || (minLen > 0 && strings.TrimSpace(s) == "") {
		return fmt.Errorf("%w: %s must be %d-%d characters, got %d", ErrInvalid, what, minLen, maxLen, n)
	}
	return nil
}

// checkDetails applies the bounds of proto: at most proto.MaxDetails
// entries, keys 1-MaxDetailLen bytes, values at most MaxDetailLen bytes,
// all valid UTF-8.
func checkDetails(d map[string]string) error {
	if len(d) > proto.MaxDetails {
		return fmt.Errorf("%w: %d details, at most %d", ErrInvalid, len(d), proto.MaxDetails)
	}
	for k, v := range d {
		if k == "" || len(k) > proto.MaxDetailLen || len(v) > proto.MaxDetailLen {
			return fmt.Errorf("%w: detail keys must be 1-%d bytes and values at most %d", ErrInvalid,
				proto.MaxDetailLen, proto.MaxDetailLen)
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("%w: detail %q is not valid UTF-8", ErrInvalid, k)
		}
	}
	return nil
}

// validState reports whether s is one of the session states.
func validState(s string) bool {
	switch s {
	case proto.SessionWaiting, proto.SessionOpen, proto.SessionClosed, proto.SessionTruncated, proto.SessionAbandoned:
		return true
	}
	return false
}
