// Package auth issues and checks Proctor's signed bearer tokens.
//
// A token is base64url(JSON claims) "." base64url(HMAC-SHA256(claims)),
// signed with the server secret. Claims carry a role, a subject (for a
// Sentinel, the only id it may publish as) and an expiry.
package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Role says what a token's holder may do.
type Role string

// Roles, as in docs/protocol.md.
const (
	RoleSentinel Role = "sentinel" // publish as its own id
	RoleProctor  Role = "proctor"  // live, history, markers
	RoleReviewer Role = "reviewer" // history, markers
	RoleAdmin    Role = "admin"    // everything
	RoleMetrics  Role = "metrics"  // GET /metrics and nothing else
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleSentinel, RoleProctor, RoleReviewer, RoleAdmin, RoleMetrics:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (sentinel, proctor, reviewer, admin, metrics)", s)
}

// Errors of Verify.
var (
	ErrMissing   = errors.New("no token")
	ErrMalformed = errors.New("malformed token")
	ErrSignature = errors.New("bad token signature")
	ErrExpired   = errors.New("token expired")
)

// Claims are what a token asserts.
type Claims struct {
	Role    Role   `json:"role"`
	Subject string `json:"sub"`
	Expiry  int64  `json:"exp"` // Unix seconds; 0: never
	// Sessions, for a Sentinel token, names the sessions it may join
	// (empty: the server decides, see MayJoin).
	Sessions []string `json:"ses,omitempty"`
}

// MayJoin reports whether the holder may publish into session sid by
// naming it: an admin always, a Sentinel whose token names sessions only
// into those, and one whose token names none into any (the server then
// keeps it from changing a session another Sentinel opened).
func (c Claims) MayJoin(sid string) bool {
	if c.Role == RoleAdmin || len(c.Sessions) == 0 {
		return true
	}
	for _, s := range c.Sessions {
		if s == sid {
			return true
		}
	}
	return false
}

// NamesSessions reports whether the token limits the sessions it joins.
func (c Claims) NamesSessions() bool { return len(c.Sessions) > 0 }

// CanReadMetrics reports whether the holder may read /metrics.
func (c Claims) CanReadMetrics() bool { return c.Role == RoleMetrics || c.Role == RoleAdmin }

// CanPublish reports whether the holder may publish as sentinel id.
func (c Claims) CanPublish(id string) bool {
	return c.Role == RoleAdmin || (c.Role == RoleSentinel && c.Subject == id)
}

// CanWatch reports whether the holder may watch live streams.
func (c Claims) CanWatch() bool { return c.Role == RoleProctor || c.Role == RoleAdmin }

// CanReview reports whether the holder may read history and markers.
func (c Claims) CanReview() bool {
	return c.Role == RoleProctor || c.Role == RoleReviewer || c.Role == RoleAdmin
}

// MinSecretLen is the shortest accepted secret.
const MinSecretLen = 16

// Signer signs and verifies tokens with one secret.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer for secret, which must be at least MinSecretLen bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("secret must be at least %d bytes", MinSecretLen)
	}
	return &Signer{key: append([]byte(nil), secret...)}, nil
}

var enc = base64.RawURLEncoding

// Sign returns a token for c.
func (s *Signer) Sign(c Claims) string {
	body, _ := json.Marshal(c) // a struct of strings and ints always marshals
	p := enc.EncodeToString(body)
	return p + "." + enc.EncodeToString(s.mac(p))
}

func (s *Signer) mac(p string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(p))
	return m.Sum(nil)
}

// Verify checks tok's signature and expiry at now and returns its claims.
func (s *Signer) Verify(tok string, now time.Time) (Claims, error) {
	var c Claims
	if tok == "" {
		return c, ErrMissing
	}
	p, sig, ok := strings.Cut(tok, ".")
	if !ok || len(tok) > 4096 {
		return c, ErrMalformed
	}
	got, err := enc.DecodeString(sig)
	if err != nil {
		return c, ErrMalformed
	}
	if !hmac.Equal(got, s.mac(p)) {
		return c, ErrSignature
	}
	body, err := enc.DecodeString(p)
	if err != nil {
		return c, ErrMalformed
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return c, ErrMalformed
	}
	if _, err := ParseRole(string(c.Role)); err != nil {
		return Claims{}, ErrMalformed
	}
	if c.Expiry != 0 && now.Unix() >= c.Expiry {
		return Claims{}, ErrExpired
	}
	return c, nil
}

// FromRequest returns the bearer token of r: the Authorization header, or
// the access_token query parameter for clients that cannot set headers.
func FromRequest(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
	}
	return r.URL.Query().Get("access_token")
}

// StreamKey returns the key that lets a seed-protocol client publish to
// or receive channel (a Sentinel id): 32 lowercase hex characters, which
// fit the seed protocol's a-z 0-9 alphabet where a token would not.
func (s *Signer) StreamKey(channel string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("proctor stream key\x00"))
	m.Write([]byte(channel))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// VerifyStreamKey reports whether key is channel's stream key.
func (s *Signer) VerifyStreamKey(channel, key string) bool {
	return hmac.Equal([]byte(key), []byte(s.StreamKey(channel)))
}
