package auth

import (
	"testing"
	"time"
)

// BenchmarkVerify is the cost of authenticating one request: a token of
// the newest secret, one of the old secret during a rotation, and one
// issued before key ids (checked against each secret; here the second).
func BenchmarkVerify(b *testing.B) {
	s := mustSigner(b, secretNew, secretOld)
	c := Claims{Role: RoleSentinel, Subject: "cam-1", Expiry: 1_800_000_000, Sessions: []string{"exam-42"}}
	now := time.Unix(1_700_000_000, 0)
	for _, bc := range []struct{ name, tok string }{
		{"newest", s.Sign(c)},
		{"old-secret", mustSigner(b, secretOld).Sign(c)},
		{"no-key-id", preKeyIDToken(secretOld, c)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Verify(bc.tok, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyStreamKey is the cost of admitting one seed connection.
func BenchmarkVerifyStreamKey(b *testing.B) {
	s := mustSigner(b, secretNew, secretOld)
	key, err := s.StreamKey("cam-1", StreamReceive, time.Unix(1_800_000_000, 0))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	for b.Loop() {
		if err := s.VerifyStreamKey("cam-1", key, StreamReceive, now); err != nil {
			b.Fatal(err)
		}
	}
}
