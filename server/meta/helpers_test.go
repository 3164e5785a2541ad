package meta

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"proctor/internal/testpg"
)

// t0 is the base of every test clock.
var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// TestMain shares one PostgreSQL cluster among the tests; each takes a
// fresh database of it.
func TestMain(m *testing.M) { os.Exit(testpg.Main(m)) }

// backends are the implementations every test of the suite runs against.
var backends = []string{"sqlite", "postgres"}

// eachBackend runs test once per backend, as subtests named after them;
// openTest opens the backend of the subtest it is called in.
func eachBackend(t *testing.T, test func(t *testing.T)) {
	for _, b := range backends {
		t.Run(b, test)
	}
}

// backendOf is the backend a test runs against: the first subtest level
// of its name (eachBackend, or a benchmark's b.Run), else SQLite.
func backendOf(t testing.TB) string {
	parts := strings.Split(t.Name(), "/")
	if len(parts) > 1 && parts[1] == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// openTest opens a fresh database of t's backend and returns it with the
// path or URL that reopens it (openDSN).
func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "meta.db")
	if backendOf(t) == "postgres" {
		dsn = testpg.NewDB(t)
	}
	db, err := openDSN(dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn
}

// openDSN opens a PostgreSQL URL or a SQLite path.
func openDSN(dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") {
		return OpenPostgres(dsn, slog.New(slog.DiscardHandler))
	}
	return Open(dsn, slog.New(slog.DiscardHandler))
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
