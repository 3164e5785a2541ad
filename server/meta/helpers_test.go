package meta

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"
)

// t0 is the base of every test clock.
var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "meta.db")
	db, err := Open(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func mustStart(t testing.TB, db *DB, id string, details map[string]string, at time.Time) {
	t.Helper()
	if _, err := db.StartSession(context.Background(), id, "", details, at); err != nil {
		t.Fatalf("StartSession(%s): %v", id, err)
	}
}

func wantErr(t testing.TB, what string, got, want error) {
	t.Helper()
	if want == nil && got != nil || want != nil && !errors.Is(got, want) {
		t.Fatalf("%s: error %v, want %v", what, got, want)
	}
}
