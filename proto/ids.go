package proto

import "fmt"

// MaxIDLen is the longest sentinel or session id.
const MaxIDLen = 64

// ValidID reports whether s is a valid sentinel or session id: 1-64
// characters from a-z A-Z 0-9 - _. The rule keeps ids safe as file names
// and URL path elements.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// CheckID returns an error wrapping ErrID when s is not a valid id.
func CheckID(what, s string) error {
	if !ValidID(s) {
		return fmt.Errorf("%w: %s %q must be 1-64 characters of a-z A-Z 0-9 - _", ErrID, what, s)
	}
	return nil
}
