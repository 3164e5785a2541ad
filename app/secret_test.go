package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"proctor/server/auth"
)

// loadSigner parses -secret-file path as the modes do and returns the signer.
func loadSigner(t *testing.T, path string) (*auth.Signer, error) {
	t.Helper()
	fs := newFlags("test", &strings.Builder{})
	src := secretFlags(fs)
	if err := parseFlags(fs, []string{"-secret-file", path}); err != nil {
		t.Fatal(err)
	}
	return src.signer()
}

// TestSecretFileRotation: a secret file lists several secrets, newest
// first. A token signed with the old one verifies while it is listed and
// not after it is removed; new tokens are signed with the newest.
func TestSecretFileRotation(t *testing.T) {
	const newest, old = "newest-secret-0123456789", "old-secret-0123456789abc"
	oldSigner, err := auth.NewSigner([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	oldTok := oldSigner.Sign(auth.Claims{Role: auth.RoleProctor, Subject: "p", Expiry: now.Add(time.Hour).Unix()})
	path := filepath.Join(t.TempDir(), "secret")

	if err := os.WriteFile(path, []byte(newest+"\n"+old+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	both, err := loadSigner(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := both.Verify(oldTok, now); err != nil {
		t.Fatalf("old secret listed: %v", err)
	}
	newTok := both.Sign(auth.Claims{Role: auth.RoleProctor, Subject: "p"})

	if err := os.WriteFile(path, []byte(newest+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	only, err := loadSigner(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := only.Verify(oldTok, now); !errors.Is(err, auth.ErrSignature) {
		t.Fatalf("old secret removed: err = %v, want %v", err, auth.ErrSignature)
	}
	if _, err := only.Verify(newTok, now); err != nil {
		t.Fatalf("token of the newest secret: %v", err)
	}
}

// TestSecretFileErrors: a secret file without a usable secret is refused
// with a message that names the line's position, never the secret.
func TestSecretFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, phrase string
	}{
		{"empty", "\n\n", "no secret in the file"},
		{"comments only", "# retired\n", "no secret in the file"},
		{"short old secret", "newest-secret-0123456789\nshort-one\n", "secret 2 of 2 must be at least 16 bytes"},
		{"same twice", "newest-secret-0123456789\n  newest-secret-0123456789  \n", "secrets 1 and 2 are the same"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := loadSigner(t, path)
		if err == nil || !strings.Contains(err.Error(), tc.phrase) || strings.Contains(err.Error(), "short-one") {
			t.Errorf("%s: err = %v, want one with %q", tc.name, err, tc.phrase)
		}
	}
}

// TestSecretFileFromEnv: PROCTOR_SECRET_FILE names the file (the general
// flag mapping), with comments and blank lines, and wins over
// PROCTOR_SECRET; the file's first secret signs.
func TestSecretFileFromEnv(t *testing.T) {
	const newest, old = "newest-secret-0123456789", "old-secret-0123456789abc"
	path := filepath.Join(t.TempDir(), "secrets")
	if err := os.WriteFile(path, []byte("# rotated 2026-12-04\n"+newest+"\n\n"+old+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PROCTOR_SECRET_FILE", path)
	t.Setenv(EnvSecret, "some-other-secret-0123456789")
	code, out, errOut := proctorRun(t, "token", "-role", "reviewer", "-sub", "rita")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	newSigner, _ := auth.NewSigner([]byte(newest))
	if c, err := newSigner.Verify(strings.TrimSpace(out), time.Now()); err != nil || c.Subject != "rita" {
		t.Fatalf("token not signed with the file's first secret: %v %+v", err, c)
	}
}
