package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// MinSecretLen is the shortest accepted secret.
const MinSecretLen = 16

// MaxSecrets bounds the secrets of one Signer: a rotation needs two, and
// a token without a key id is checked against each of them.
const MaxSecrets = 8

// keyIDLen is the length of a key id: 8 lowercase hex characters.
const keyIDLen = 8

// secretKey is one secret and its key id.
type secretKey struct {
	id  string
	key []byte
}

// Signer signs with the newest of its secrets and verifies with any of
// them. It is immutable and safe for concurrent use.
type Signer struct {
	keys []secretKey // newest first
}

// NewSigner returns a Signer for secrets, newest first: it signs with
// secrets[0] and verifies credentials signed with any of them. Each must
// be at least MinSecretLen bytes, and no two may be equal.
func NewSigner(secrets ...[]byte) (*Signer, error) {
	switch {
	case len(secrets) == 0:
		return nil, errors.New("no secret")
	case len(secrets) > MaxSecrets:
		return nil, fmt.Errorf("%d secrets: at most %d (keep the newest and the one being retired)", len(secrets), MaxSecrets)
	}
	s := &Signer{keys: make([]secretKey, 0, len(secrets))}
	seen := make(map[string]int, len(secrets))
	for i, sec := range secrets {
		if len(sec) < MinSecretLen {
			if len(secrets) == 1 {
				return nil, fmt.Errorf("secret must be at least %d bytes", MinSecretLen)
			}
			return nil, fmt.Errorf("secret %d of %d must be at least %d bytes", i+1, len(secrets), MinSecretLen)
		}
		id := KeyID(sec)
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("secrets %d and %d are the same (key id %s)", j+1, i+1, id)
		}
		seen[id] = i
		s.keys = append(s.keys, secretKey{id: id, key: append([]byte(nil), sec...)})
	}
	return s, nil
}

// KeyID returns the key id of secret: 8 lowercase hex characters of a
// SHA-256 of it, so logs and credentials can name a secret without
// revealing it.
func KeyID(secret []byte) string {
	h := sha256.New()
	h.Write([]byte("proctor key id\x00"))
	h.Write(secret)
	return hex.EncodeToString(h.Sum(nil))[:keyIDLen]
}

// KeyIDs returns the key ids of the signer's secrets, newest (the signing
// one) first, for the server's start-up log.
func (s *Signer) KeyIDs() []string {
	ids := make([]string, len(s.keys))
	for i, k := range s.keys {
		ids[i] = k.id
	}
	return ids
}

// newest is the secret that signs.
func (s *Signer) newest() secretKey { return s.keys[0] }

// byID returns the secret whose key id is id.
func (s *Signer) byID(id string) (secretKey, bool) {
	for _, k := range s.keys {
		if k.id == id {
			return k, true
		}
	}
	return secretKey{}, false
}

// sum returns HMAC-SHA256 of parts under key, each part followed by a
// NUL so that no two lists of parts give the same input.
func sum(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}
