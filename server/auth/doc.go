// Package auth issues and checks Proctor's credentials: signed bearer
// tokens for the WebSocket and HTTP APIs, and stream keys for the
// seed-protocol endpoint, whose URLs allow only a-z 0-9 - _.
//
// A token is base64url(JSON claims) "." base64url(HMAC-SHA256(claims));
// claims carry a role, a subject (for a Sentinel, the only id it may
// publish as), an expiry, optionally the sessions a Sentinel may join, and
// the key id of the secret that signed it.
//
// A Signer holds one or more secrets, newest first, so that a secret can
// be rotated without a flag day: it signs with the newest and verifies
// with the one a credential's key id names. The key id is the first four
// bytes of a SHA-256 of the secret (domain-separated), never the secret:
// it tells secrets apart and reveals nothing an HMAC does not already.
package auth
