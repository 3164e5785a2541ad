package meta

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// BusyTimeout is how long a statement waits for a lock held by another
// connection or process before it fails.
const BusyTimeout = 5 * time.Second

// DB is the metadata store. It is safe for concurrent use.
type DB struct {
	// SQLite: w is one connection for all writes (transactions BEGIN
	// IMMEDIATE) and r a read-only pool. PostgreSQL: both are one pool.
	w   *sql.DB
	r   conn // r's pool, with the dialect's placeholders
	pg  bool // PostgreSQL, else SQLite
	log *slog.Logger
	// Now is the clock for times the callers do not pass (marker creation,
	// Sentinel attach). Tests may replace it before use.
	Now func() time.Time
}

// Open opens (creating if needed) the SQLite file at path and brings its
// schema up to date. A nil log discards.
func Open(path string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "meta")
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("%w: database path %q (no '?', '#' or file: URI)", ErrInvalid, path)
	}
	base := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)",
		path, BusyTimeout.Milliseconds())
	w, err := sql.Open("sqlite", base+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	ctx := context.Background()
	from, err := migrate(ctx, w)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Readers open after the writer made the file WAL; query_only makes
	// any write through them fail loudly.
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		log.Warn("database not in WAL mode", "path", path, "mode", mode, "err", err)
	}
	log.Info("metadata database open", "path", path, "schema_from", from, "schema", len(migrations))
	return &DB{w: w, r: conn{r, false}, log: log, Now: time.Now}, nil
}

// Close closes the database. Calls after Close fail. It first lets SQLite
// refresh the planner's statistics (PRAGMA optimize), which is cheap.
func (db *DB) Close() error {
	if db.pg {
		return db.w.Close()
	}
	if _, err := db.w.Exec("PRAGMA optimize"); err != nil {
		db.log.Warn("optimize on close", "err", err)
	}
	return errors.Join(db.r.q.(*sql.DB).Close(), db.w.Close())
}

// tx runs fn in a write transaction and commits it when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(conn) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(conn{tx, db.pg}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// us converts a time to stored Unix microseconds.
func us(t time.Time) int64 { return t.UnixMicro() }

// fromUS converts stored Unix microseconds to a UTC time.
func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

// querier is what *sql.DB and *sql.Tx share for reads.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
