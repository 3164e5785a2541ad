package meta

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// OpenPostgres connects to the PostgreSQL database at url (a
// postgres:// URL or key=value string, as pgx takes it) and brings its
// schema up to date, so that several server nodes share one history. The
// user needs CREATE on the database the first time (the schema, and the
// trusted extension pg_trgm for text search). A nil log discards.
func OpenPostgres(url string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "meta")
	if url == "" {
		return nil, fmt.Errorf("%w: empty PostgreSQL URL", ErrInvalid)
	}
	p, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	n := max(8, 4*runtime.GOMAXPROCS(0))
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	from, err := migratePG(ctx, p)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("open postgres %s: %w", redact(url), err)
	}
	log.Info("metadata database open", "postgres", redact(url), "schema_from", from, "schema", len(pgMigrations))
	return &DB{w: p, r: conn{p, true}, pg: true, log: log, Now: time.Now}, nil
}

// redact drops a password from url for logs and errors.
func redact(url string) string {
	if i, j := strings.Index(url, "://"), strings.LastIndex(url, "@"); i >= 0 && j > i {
		if k := strings.Index(url[i+3:j], ":"); k >= 0 {
			return url[:i+3+k] + ":***" + url[j:]
		}
	}
	return url
}

// migrationLock is the pg_advisory_lock key that serialises migrations of
// nodes starting at once ("proctor" in ASCII).
const migrationLock = 0x70726f63746f72

// migratePG applies the missing pgMigrations under a session advisory
// lock, each step in a transaction with its row in schema_version, so
// nodes starting together migrate once and a crash leaves a whole version.
func migratePG(ctx context.Context, p *sql.DB) (from int, err error) {
	c, err := p.Conn(ctx) // the advisory lock belongs to one connection
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return 0, fmt.Errorf("migration lock: %w", err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return 0, fmt.Errorf("schema_version: %w", err)
	}
	if err := c.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&from); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if from > len(pgMigrations) {
		return from, fmt.Errorf("%w: database is at %d, this program knows up to %d", ErrSchema, from, len(pgMigrations))
	}
	for v := from; v < len(pgMigrations); v++ {
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			return from, fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, pgMigrations[v]); err != nil {
			tx.Rollback()
			return from, fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version) VALUES ($1)", v+1); err != nil {
			tx.Rollback()
			return from, fmt.Errorf("migrate to %d: set version: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return from, fmt.Errorf("migrate to %d: commit: %w", v+1, err)
		}
	}
	return from, nil
}

// pgMigrations are the PostgreSQL schema's steps, as migrations are
// SQLite's: append only. Step 1 is the SQLite schema at its version 4 in
// PostgreSQL's types: times BIGINT, identifiers in the C collation (so
// ordering and ILIKE's case folding match SQLite's bytewise ones), and a
// trigram GIN index that answers the text search's ILIKE '%...%'.
var pgMigrations = []string{
	`CREATE EXTENSION IF NOT EXISTS pg_trgm;
	CREATE TABLE sessions (
		id        TEXT COLLATE "C" PRIMARY KEY,
		type      TEXT NOT NULL DEFAULT 'proctor',
		state     TEXT NOT NULL CHECK (state IN ('waiting','open','closed','truncated','abandoned')),
		start     BIGINT NOT NULL,
		end_at    BIGINT,
		heartbeat BIGINT NOT NULL,
		media_end BIGINT NOT NULL DEFAULT 0,
		received  BIGINT NOT NULL DEFAULT 0,
		expected  BIGINT NOT NULL DEFAULT 0,
		search    TEXT COLLATE "C" NOT NULL DEFAULT ''
	);
	CREATE INDEX sessions_start ON sessions (start, id);
	CREATE INDEX sessions_state ON sessions (state, start, id);
	CREATE INDEX sessions_live ON sessions (state, heartbeat);
	-- fastupdate off: a pending list of unindexed entries would be read by
	-- every search and makes the planner prefer a scan until VACUUM runs.
	CREATE INDEX sessions_search ON sessions USING gin (search gin_trgm_ops) WITH (fastupdate = off);

	CREATE TABLE session_details (
		session TEXT COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		key     TEXT NOT NULL,
		value   TEXT NOT NULL,
		PRIMARY KEY (session, key)
	);

	CREATE TABLE session_sentinels (
		session  TEXT COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		sentinel TEXT COLLATE "C" NOT NULL,
		source   TEXT NOT NULL DEFAULT '',
		attached BIGINT NOT NULL,
		ended    INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (session, sentinel)
	);
	CREATE INDEX session_sentinels_sentinel ON session_sentinels (sentinel, session);

	CREATE TABLE state_history (
		id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
		session    TEXT COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		from_state TEXT NOT NULL,
		to_state   TEXT NOT NULL,
		at         BIGINT NOT NULL,
		reason     TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX state_history_session ON state_history (session, id);

	CREATE TABLE markers (
		id       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
		session  TEXT COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		sentinel TEXT NOT NULL,
		time     BIGINT NOT NULL,
		label    TEXT NOT NULL,
		note     TEXT NOT NULL DEFAULT '',
		author   TEXT NOT NULL DEFAULT '',
		created  BIGINT NOT NULL
	);
	CREATE INDEX markers_session ON markers (session, time, id);

	CREATE TABLE segment_holders (
		sentinel TEXT COLLATE "C" NOT NULL,
		node     TEXT COLLATE "C" NOT NULL,
		updated  BIGINT NOT NULL,
		PRIMARY KEY (sentinel, node)
	);`,
}

// Postgres reports whether db is on PostgreSQL (else SQLite).
func (db *DB) Postgres() bool { return db.pg }
