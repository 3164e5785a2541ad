package meta

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeCursor: a cursor comes from the query string of a client; it
// either decodes to a valid id and time that encode back to an equivalent
// cursor, or it is ErrInvalid. It never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(1795338000000000, "exam-1"))
	f.Add(encodeCursor(-1, "a"))
	f.Add("")
	f.Add("!!!")
	f.Add("MTIzNDU")
	f.Fuzz(func(t *testing.T, c string) {
		start, id, err := decodeCursor(c)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		s2, id2, err := decodeCursor(encodeCursor(start, id))
		if err != nil || s2 != start || id2 != id {
			t.Fatalf("round trip of (%d, %q): (%d, %q), %v", start, id, s2, id2, err)
		}
	})
}

// asciiLower folds case the way SQLite's LIKE does: ASCII letters only.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// FuzzTextSearch: whatever the detail value and the query (LIKE wildcards,
// escapes, unicode), a text query matches exactly when the query is a
// substring of the id, a key or the value, ignoring ASCII case.
func FuzzTextSearch(f *testing.F) {
	f.Add("100%", "%")
	f.Add("a_b", "_")
	f.Add(`c:\x`, `\`)
	f.Add("axb", "a_b")
	f.Add("Grüße", "GRÜ")
	f.Add("50% off", "0% o")
	db, _ := openTest(f)
	ctx := context.Background()
	mustStart(f, db, "fz", nil, t0)
	f.Fuzz(func(t *testing.T, value, query string) {
		if !utf8.ValidString(value) || len(value) > 200 || strings.ContainsAny(value, searchSep+"\x00") {
			// U+001F is the field separator; LIKE stops at NUL.
			return
		}
		if err := db.SetDetails(ctx, "fz", map[string]string{"key": value}); err != nil {
			t.Fatal(err)
		}
		l, err := db.ListSessions(ctx, Query{Text: query})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatal(err)
			}
			return
		}
		if strings.ContainsAny(query, "\x00\x1f") {
			t.Fatalf("query %q accepted", query)
		}
		q := asciiLower(query)
		want := strings.Contains("fz", q) || strings.Contains("key", q) || strings.Contains(asciiLower(value), q)
		if got := len(l.Sessions) == 1; got != want {
			t.Fatalf("value %q query %q: matched %v, want %v", value, query, got, want)
		}
	})
}
