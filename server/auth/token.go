package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxTokenLen bounds what Verify decodes.
const maxTokenLen = 4096

var enc = base64.RawURLEncoding

// tokenBody is what a token's first part encodes: the claims and the key
// id of the secret that signed them.
type tokenBody struct {
	Claims
	KeyID string `json:"kid,omitempty"`
}

// Sign returns a token for c, signed with the newest secret and naming
// its key id.
func (s *Signer) Sign(c Claims) string {
	k := s.newest()
	body, _ := json.Marshal(tokenBody{Claims: c, KeyID: k.id}) // strings and ints always marshal
	p := enc.EncodeToString(body)
	return p + "." + enc.EncodeToString(tokenMAC(k.key, p))
}

func tokenMAC(key []byte, p string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(p))
	return m.Sum(nil)
}

// Verify checks tok's signature and expiry at now and returns its claims.
//
// A token names the key id of its secret and is checked with that secret
// only; one naming a secret no longer listed fails with ErrUnknownKey
// (which wraps ErrSignature). A token without a key id was issued before
// key ids existed: it is checked against every listed secret, so that the
// tokens in use when a secret is first rotated keep working until the old
// secret is removed, exactly like the tokens issued after.
func (s *Signer) Verify(tok string, now time.Time) (Claims, error) {
	if tok == "" {
		return Claims{}, ErrMissing
	}
	p, sig, ok := strings.Cut(tok, ".")
	if !ok || len(tok) > maxTokenLen {
		return Claims{}, ErrMalformed
	}
	got, err := enc.DecodeString(sig)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	// The body is read before the signature is checked only to learn the
	// key id; nothing else of it is used unless the signature holds.
	raw, err := enc.DecodeString(p)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	var b tokenBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return Claims{}, ErrMalformed
	}
	if err := s.checkTokenMAC(b.KeyID, p, got); err != nil {
		return Claims{}, err
	}
	if _, err := ParseRole(string(b.Role)); err != nil {
		return Claims{}, ErrMalformed
	}
	if b.Expiry != 0 && now.Unix() >= b.Expiry {
		return Claims{}, ErrExpired
	}
	return b.Claims, nil
}

// checkTokenMAC checks sig over p with the secret kid names, or with each
// secret when kid is empty.
func (s *Signer) checkTokenMAC(kid, p string, sig []byte) error {
	if kid != "" {
		k, ok := s.byID(kid)
		if !ok {
			return fmt.Errorf("%w: %w", ErrSignature, ErrUnknownKey)
		}
		if !hmac.Equal(sig, tokenMAC(k.key, p)) {
			return ErrSignature
		}
		return nil
	}
	for _, k := range s.keys {
		if hmac.Equal(sig, tokenMAC(k.key, p)) {
			return nil
		}
	}
	return ErrSignature
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
