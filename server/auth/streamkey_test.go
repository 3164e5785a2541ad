package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestStreamKeys: a key opens only its own channel, for its own kind (a
// receive key never publishes), until it expires, while its secret is
// listed; the old single key per channel is refused.
func TestStreamKeys(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := mustSigner(t, secretNew, secretOld)
	old := mustSigner(t, secretOld)
	after := mustSigner(t, secretNew)
	other := mustSigner(t, []byte("another-secret-of-enough-length"))
	key := func(sg *Signer, ch string, k StreamKind, exp time.Time) string {
		t.Helper()
		v, err := sg.StreamKey(ch, k, exp)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	pub := key(s, "cam-1", StreamPublish, time.Time{})
	recv := key(s, "cam-1", StreamReceive, time.Time{})
	shortRecv := key(s, "cam-1", StreamReceive, now.Add(time.Hour))
	oldPub := key(old, "cam-1", StreamPublish, time.Time{})
	legacy := strings.Repeat("0a", 16) // the format of the old StreamKey: 32 hex

	for _, tc := range []struct {
		name    string
		signer  *Signer
		channel string
		key     string
		kind    StreamKind
		at      time.Time
		want    error
	}{
		{"publish key publishes", s, "cam-1", pub, StreamPublish, now, nil},
		{"receive key receives", s, "cam-1", recv, StreamReceive, now, nil},
		{"receive key never publishes", s, "cam-1", recv, StreamPublish, now, ErrKeyKind},
		{"publish key does not receive", s, "cam-1", pub, StreamReceive, now, ErrKeyKind},
		{"expiring key before expiry", s, "cam-1", shortRecv, StreamReceive, now.Add(59 * time.Minute), nil},
		{"expiring key at expiry", s, "cam-1", shortRecv, StreamReceive, now.Add(time.Hour), ErrKeyExpired},
		{"never-expiring key years later", s, "cam-1", pub, StreamPublish, now.Add(10 * 365 * 24 * time.Hour), nil},
		{"another channel", s, "cam-2", pub, StreamPublish, now, ErrKeySignature},
		{"another server", other, "cam-1", pub, StreamPublish, now, ErrUnknownKey},
		{"old secret listed", s, "cam-1", oldPub, StreamPublish, now, nil},
		{"old secret removed", after, "cam-1", oldPub, StreamPublish, now, ErrUnknownKey},
		{"old-format key", s, "cam-1", legacy, StreamPublish, now, ErrKeyLegacy},
		{"altered mac", s, "cam-1", pub[:len(pub)-1] + flip(pub[len(pub)-1]), StreamPublish, now, ErrKeySignature},
		{"kind letter changed", s, "cam-1", "r" + pub[1:], StreamReceive, now, ErrKeySignature},
		{"expiry removed", s, "cam-1", withExpiry(shortRecv, "0"), StreamReceive, now, ErrKeySignature},
		{"upper case", s, "cam-1", strings.ToUpper(pub), StreamPublish, now, ErrKeyMalformed},
		{"empty", s, "cam-1", "", StreamPublish, now, ErrKeyMalformed},
		{"too long", s, "cam-1", pub + strings.Repeat("a", 20), StreamPublish, now, ErrKeyMalformed},
		{"bad channel", s, "Cam-1", pub, StreamPublish, now, ErrKeyChannel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.signer.VerifyStreamKey(tc.channel, tc.key, tc.kind, tc.at)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if err := s.VerifyStreamKey("cam-1", recv, StreamPublish, now); err == nil || !strings.Contains(err.Error(), "a receive key cannot publish") {
		t.Fatalf("wrong-kind message: %v", err)
	}
}

// TestStreamKeyShape: keys fit a seed-protocol URL path segment, whatever
// the expiry, and name the newest secret's key id.
func TestStreamKeyShape(t *testing.T) {
	s := mustSigner(t, secretNew, secretOld)
	for _, exp := range []time.Time{{}, time.Unix(1, 0), time.Unix(1<<62, 0)} {
		for _, k := range []StreamKind{StreamPublish, StreamReceive} {
			key, err := s.StreamKey(strings.Repeat("c", 64), k, exp)
			if err != nil {
				t.Fatal(err)
			}
			if !ValidChannel(key) || len(key) > streamKeyMaxLen || !strings.Contains(key, KeyID(secretNew)) {
				t.Fatalf("key %q (%d characters) does not fit the seed alphabet", key, len(key))
			}
		}
	}
	for _, tc := range []struct {
		channel string
		kind    StreamKind
		want    error
	}{
		{"Cam1", StreamPublish, ErrKeyChannel},
		{"cam.1", StreamReceive, ErrKeyChannel},
		{"", StreamPublish, ErrKeyChannel},
		{strings.Repeat("c", 65), StreamPublish, ErrKeyChannel},
	} {
		if _, err := s.StreamKey(tc.channel, tc.kind, time.Time{}); !errors.Is(err, tc.want) {
			t.Errorf("StreamKey(%q): err = %v, want %v", tc.channel, err, tc.want)
		}
	}
	if _, err := s.StreamKey("cam-1", "both", time.Time{}); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := ParseStreamKind("Publish"); err == nil {
		t.Error("ParseStreamKind accepts Publish")
	}
}

// FuzzVerifyStreamKey: no key made without the verifier's secrets opens
// a channel, and nothing panics.
func FuzzVerifyStreamKey(f *testing.F) {
	other := mustSigner(f, []byte("another-secret-0123456789"))
	for _, k := range []StreamKind{StreamPublish, StreamReceive} {
		key, _ := other.StreamKey("cam-1", k, time.Unix(1_800_000_000, 0))
		f.Add("cam-1", key, k == StreamPublish)
	}
	f.Add("cam-1", strings.Repeat("0", 32), true)
	s := mustSigner(f, secretNew, secretOld)
	f.Fuzz(func(t *testing.T, channel, key string, publish bool) {
		kind := StreamReceive
		if publish {
			kind = StreamPublish
		}
		if err := s.VerifyStreamKey(channel, key, kind, time.Unix(1_700_000_000, 0)); err == nil {
			t.Fatalf("key %q opened %q without the secret", key, channel)
		}
	})
}

func flip(c byte) string {
	if c == 'a' {
		return "b"
	}
	return "a"
}

// withExpiry replaces the expiry field of key.
func withExpiry(key, exp string) string {
	p := strings.Split(key, "-")
	p[2] = exp
	return strings.Join(p, "-")
}
