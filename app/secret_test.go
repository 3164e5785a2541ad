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
