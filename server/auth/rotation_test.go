package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	secretNew = []byte("newest-secret-0123456789")
	secretOld = []byte("retired-secret-0123456789")
)

func mustSigner(t testing.TB, secrets ...[]byte) *Signer {
	t.Helper()
	s, err := NewSigner(secrets...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// preKeyIDToken is a token as Sign wrote it before tokens carried a key
// id: base64url(claims) "." base64url(HMAC-SHA256(secret, that)).
func preKeyIDToken(secret []byte, c Claims) string {
	body, _ := json.Marshal(c)
	p := enc.EncodeToString(body)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(p))
	return p + "." + enc.EncodeToString(m.Sum(nil))
}

// TestRotation: a token signed with the old secret verifies while the old
// secret is listed and not after it is removed; the signer signs with
// the newest, naming its key id.
func TestRotation(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := Claims{Role: RoleProctor, Subject: "p", Expiry: now.Unix() + 60}
	before := mustSigner(t, secretOld)
	during := mustSigner(t, secretNew, secretOld)
	after := mustSigner(t, secretNew)
	oldTok, newTok := before.Sign(c), during.Sign(c)
	legacy := preKeyIDToken(secretOld, c)

	for _, tc := range []struct {
		name   string
		signer *Signer
		tok    string
		want   error
	}{
		{"old token, old secret listed", during, oldTok, nil},
		{"old token, old secret removed", after, oldTok, ErrUnknownKey},
		{"new token, during", during, newTok, nil},
		{"new token, after", after, newTok, nil},
		{"new token, before", before, newTok, ErrUnknownKey},
		{"token without key id, its secret listed second", during, legacy, nil},
		{"token without key id, its secret removed", after, legacy, ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.signer.Verify(tc.tok, now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil && !errors.Is(err, ErrSignature) {
				t.Fatalf("err = %v does not wrap ErrSignature (the API maps it to 401)", err)
			}
			if err == nil && (got.Role != c.Role || got.Subject != c.Subject || got.Expiry != c.Expiry) {
				t.Fatalf("claims %+v", got)
			}
		})
	}
	if during.KeyIDs()[0] != KeyID(secretNew) || len(during.KeyIDs()) != 2 {
		t.Fatalf("key ids %v", during.KeyIDs())
	}
	if strings.Contains(newTok, KeyID(secretOld)) {
		t.Fatal("token names the old key id")
	}
}

// TestKeyIDForgery: changing a token's key id to another listed secret's
// does not make its signature valid.
func TestKeyIDForgery(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := mustSigner(t, secretNew, secretOld)
	body, _ := json.Marshal(tokenBody{Claims: Claims{Role: RoleAdmin}, KeyID: KeyID(secretOld)})
	p := enc.EncodeToString(body)
	forged := p + "." + enc.EncodeToString(tokenMAC(secretNew, p)) // signed with the other secret
	if _, err := s.Verify(forged, now); !errors.Is(err, ErrSignature) {
		t.Fatalf("err = %v", err)
	}
}

func TestNewSignerErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		secrets [][]byte
		phrase  string
	}{
		{"none", nil, "no secret"},
		{"short second", [][]byte{secretNew, []byte("short")}, "secret 2 of 2"},
		{"duplicate", [][]byte{secretNew, secretOld, secretNew}, "secrets 1 and 3 are the same"},
		{"too many", make([][]byte, MaxSecrets+1), "at most"},
	} {
		_, err := NewSigner(tc.secrets...)
		if err == nil || !strings.Contains(err.Error(), tc.phrase) {
			t.Errorf("%s: err = %v, want one with %q", tc.name, err, tc.phrase)
		}
		if err != nil && (strings.Contains(err.Error(), string(secretNew)) || strings.Contains(err.Error(), string(secretOld))) {
			t.Errorf("%s: error reveals a secret: %v", tc.name, err)
		}
	}
	if id := KeyID(secretNew); len(id) != 8 || strings.Trim(id, "0123456789abcdef") != "" || strings.Contains(string(secretNew), id) {
		t.Fatalf("key id %q", id)
	}
}

// FuzzVerify: no token, however malformed, panics Verify, and none made
// without the verifier's secrets verifies (the seeds are valid tokens of
// other secrets, with and without a key id, that the fuzzer mutates).
func FuzzVerify(f *testing.F) {
	other := mustSigner(f, []byte("another-secret-0123456789"))
	f.Add(other.Sign(Claims{Role: RoleAdmin}))
	f.Add(other.Sign(Claims{Role: RoleSentinel, Subject: "cam-1", Sessions: []string{"a"}}))
	f.Add(preKeyIDToken([]byte("another-secret-0123456789"), Claims{Role: RoleSentinel, Subject: "x"}))
	f.Add("e30.AAAA")
	s := mustSigner(f, secretNew, secretOld)
	f.Fuzz(func(t *testing.T, tok string) {
		if c, err := s.Verify(tok, time.Unix(1_700_000_000, 0)); err == nil {
			t.Fatalf("%q verified as %+v without the secret", tok, c)
		}
	})
}
