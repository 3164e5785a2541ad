package auth

import "errors"

// Errors of Verify. Each refusal of a token wraps one of them; all mean
// "not authenticated" (HTTP 401).
var (
	ErrMissing   = errors.New("no token")
	ErrMalformed = errors.New("malformed token")
	ErrSignature = errors.New("bad token signature")
	ErrExpired   = errors.New("token expired")
)

// ErrUnknownKey means a credential names a key id that none of the
// signer's secrets has: it was signed with a secret that has since been
// removed from the secret file (or with another server's). A token so
// refused also wraps ErrSignature, a stream key ErrKeySignature.
var ErrUnknownKey = errors.New("unknown key id: signed with a secret this server no longer lists")

// Errors of VerifyStreamKey and StreamKey.
var (
	// ErrKeyChannel: the channel is not 1-64 characters of a-z 0-9 - _,
	// the only ones the seed protocol's URLs carry.
	ErrKeyChannel = errors.New("invalid channel: use 1-64 characters of a-z 0-9 - _")
	// ErrKeyMalformed: not a stream key of this format.
	ErrKeyMalformed = errors.New("malformed stream key")
	// ErrKeyLegacy: a key of the old format (32 hex characters, one per
	// channel for both publishing and receiving, never expiring), which
	// is refused: issue a new one with proctor token -stream-key -kind.
	ErrKeyLegacy = errors.New("old-format stream key (it both published and received): issue a new one with proctor token -stream-key -kind publish|receive")
	// ErrKeySignature: the key was not made by this server for this
	// channel (or was altered).
	ErrKeySignature = errors.New("bad stream key signature")
	// ErrKeyKind: an authentic key of the other kind, e.g. a receive key
	// used to publish.
	ErrKeyKind = errors.New("stream key of the wrong kind")
	// ErrKeyExpired: the key's expiry has passed.
	ErrKeyExpired = errors.New("stream key expired")
)
