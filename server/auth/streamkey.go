package auth

import (
	"crypto/hmac"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
	"time"

	"proctor/proto"
)

// StreamKind says what a seed-protocol stream key allows.
type StreamKind string

// Stream key kinds. A publish key only publishes and a receive key only
// receives (receive, receive-clear-cache and probe), so a URL handed to a
// viewer cannot be used to publish as the Sentinel.
const (
	StreamPublish StreamKind = "publish"
	StreamReceive StreamKind = "receive"
)

// ParseStreamKind checks a kind name.
func ParseStreamKind(s string) (StreamKind, error) {
	switch k := StreamKind(s); k {
	case StreamPublish, StreamReceive:
		return k, nil
	}
	return "", fmt.Errorf("unknown stream key kind %q (publish, receive)", s)
}

// letter is the kind's first character in a key.
func (k StreamKind) letter() (string, bool) {
	switch k {
	case StreamPublish:
		return "p", true
	case StreamReceive:
		return "r", true
	}
	return "", false
}

// A stream key is KIND "1-" KEYID "-" EXPIRY "-" MAC, all in the seed
// protocol's a-z 0-9 - alphabet and at most 53 characters, so it fits the
// URL path segment ws://HOST/CHANNEL/KEY/KIND:
//   - KIND: p (publish) or r (receive); "1" is the format version;
//   - KEYID: the 8 hex characters of the signing secret's key id;
//   - EXPIRY: Unix seconds in base 36, 0 for a key that never expires;
//   - MAC: the first 16 bytes of HMAC-SHA256(secret, kind, channel, key
//     id, expiry), 26 characters of lowercase unpadded base32.
//
// A key is bound to its channel and kind by the MAC, revoked by its expiry
// or by removing its secret from the secret file.
const (
	streamKeyDomain = "proctor stream key v1"
	streamKeyMACLen = 16
	streamKeyMaxLen = 2 + 1 + keyIDLen + 1 + 13 + 1 + 26 // 13: base 36 of the largest int64
)

var keyEnc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ValidChannel reports whether s can be a seed-protocol channel: 1-64
// characters of a-z 0-9 - _. A Sentinel id with upper case is a valid id
// but no seed channel, so it has no stream key.
func ValidChannel(s string) bool {
	return len(s) <= proto.MaxIDLen && seedAlphabet(s)
}

// seedAlphabet reports whether s is non-empty and all a-z 0-9 - _.
func seedAlphabet(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// StreamKey returns a key of kind for channel, signed with the newest
// secret, valid until expiry (the zero time: for ever).
func (s *Signer) StreamKey(channel string, kind StreamKind, expiry time.Time) (string, error) {
	if !ValidChannel(channel) {
		return "", fmt.Errorf("%w: %q", ErrKeyChannel, channel)
	}
	letter, ok := kind.letter()
	if !ok {
		return "", fmt.Errorf("unknown stream key kind %q (publish, receive)", kind)
	}
	exp := int64(0)
	if !expiry.IsZero() {
		if exp = expiry.Unix(); exp <= 0 {
			return "", fmt.Errorf("stream key expiry %v is not after 1970", expiry)
		}
	}
	k := s.newest()
	e := strconv.FormatInt(exp, 36)
	mac := streamKeyMAC(k.key, letter, channel, k.id, e)
	return letter + "1-" + k.id + "-" + e + "-" + mac, nil
}

func streamKeyMAC(key []byte, letter, channel, kid, exp string) string {
	return keyEnc.EncodeToString(sum(key, streamKeyDomain, letter, channel, kid, exp)[:streamKeyMACLen])
}

// VerifyStreamKey checks that key lets its holder use channel as kind at
// now. The error is ErrKeyChannel, ErrKeyMalformed, ErrKeyLegacy,
// ErrKeySignature (wrapping ErrUnknownKey when the key's secret is no
// longer listed), ErrKeyKind or ErrKeyExpired; the kind and expiry of a
// key are reported only once its MAC has been checked.
func (s *Signer) VerifyStreamKey(channel, key string, kind StreamKind, now time.Time) error {
	if !ValidChannel(channel) {
		return ErrKeyChannel
	}
	want, ok := kind.letter()
	if !ok {
		return fmt.Errorf("unknown stream key kind %q (publish, receive)", kind)
	}
	if len(key) > streamKeyMaxLen || !seedAlphabet(key) {
		return ErrKeyMalformed
	}
	if len(key) == 32 && strings.Trim(key, "0123456789abcdef") == "" {
		return ErrKeyLegacy
	}
	parts := strings.Split(key, "-")
	if len(parts) != 4 || len(parts[0]) != 2 || parts[0][1] != '1' || len(parts[1]) != keyIDLen || len(parts[3]) != 26 {
		return ErrKeyMalformed
	}
	letter, kid, e, mac := parts[0][:1], parts[1], parts[2], parts[3]
	if letter != "p" && letter != "r" {
		return ErrKeyMalformed
	}
	exp, err := strconv.ParseInt(e, 36, 64)
	if err != nil || exp < 0 {
		return ErrKeyMalformed
	}
	k, ok := s.byID(kid)
	if !ok {
		return fmt.Errorf("%w: %w", ErrKeySignature, ErrUnknownKey)
	}
	if !hmac.Equal([]byte(mac), []byte(streamKeyMAC(k.key, letter, channel, kid, e))) {
		return ErrKeySignature
	}
	if letter != want {
		return fmt.Errorf("%w: a %s key cannot %s", ErrKeyKind, kindName(letter), kind)
	}
	if exp != 0 && now.Unix() >= exp {
		return ErrKeyExpired
	}
	return nil
}

func kindName(letter string) StreamKind {
	if letter == "p" {
		return StreamPublish
	}
	return StreamReceive
}
