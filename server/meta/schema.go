package meta

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations upgrade the schema one step each: migrations[i] takes the
// database from user_version i to i+1. Append only; never edit a step that
// has shipped. All times are Unix microseconds.
var migrations = []string{
	// 1: initial schema.
	`CREATE TABLE sessions (
		id        TEXT PRIMARY KEY,
		type      TEXT NOT NULL DEFAULT 'proctor',
		state     TEXT NOT NULL CHECK (state IN ('waiting','open','closed','truncated','abandoned')),
		start     INTEGER NOT NULL,
		end_at    INTEGER,                    -- set on entering a closed state
		heartbeat INTEGER NOT NULL,
		media_end INTEGER NOT NULL DEFAULT 0, -- 0: no media yet
		received  INTEGER NOT NULL DEFAULT 0,
		expected  INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX sessions_start ON sessions (start, id);
	CREATE INDEX sessions_state ON sessions (state, start, id);
	CREATE INDEX sessions_live ON sessions (state, heartbeat);

	CREATE TABLE session_details (
		session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		key     TEXT NOT NULL,
		value   TEXT NOT NULL,
		PRIMARY KEY (session, key)
	) WITHOUT ROWID;

	CREATE TABLE session_sentinels (
		session  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		sentinel TEXT NOT NULL,
		source   TEXT NOT NULL DEFAULT '',
		attached INTEGER NOT NULL,
		PRIMARY KEY (session, sentinel)
	) WITHOUT ROWID;
	CREATE INDEX session_sentinels_sentinel ON session_sentinels (sentinel, session);

	CREATE TABLE state_history (
		id         INTEGER PRIMARY KEY,
		session    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		from_state TEXT NOT NULL, -- '' for the creation
		to_state   TEXT NOT NULL,
		at         INTEGER NOT NULL,
		reason     TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX state_history_session ON state_history (session, id);

	CREATE TABLE markers (
		id       INTEGER PRIMARY KEY,
		session  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		sentinel TEXT NOT NULL,
		time     INTEGER NOT NULL,
		label    TEXT NOT NULL,
		note     TEXT NOT NULL DEFAULT '',
		author   TEXT NOT NULL DEFAULT '',
		created  INTEGER NOT NULL
	);
	CREATE INDEX markers_session ON markers (session, time, id);`,

	// 2: a denormalised search text per session (id, detail keys and values
	// joined by U+001F), so a text query is one LIKE per session instead of
	// a correlated scan of its details.
	`ALTER TABLE sessions ADD COLUMN search TEXT NOT NULL DEFAULT '';
	UPDATE sessions SET search = id || coalesce((SELECT group_concat(char(31) || key || char(31) || value, '')
		FROM session_details WHERE session = sessions.id), '');`,

	// 3: each Sentinel's part of a session ends on its own (its "end"); the
	// session closes when the last part has ended (issue 10, defect 2).
	`ALTER TABLE session_sentinels ADD COLUMN ended INTEGER NOT NULL DEFAULT 0;`,

	// 4: which server nodes hold (a copy of) each Sentinel's segments, so
	// any node of a cluster can find one to serve them from (issue 12).
	`CREATE TABLE segment_holders (
		sentinel TEXT NOT NULL,
		node     TEXT NOT NULL,
		updated  INTEGER NOT NULL,
		PRIMARY KEY (sentinel, node)
	) WITHOUT ROWID;`,

	// 5: a trigram full-text index of the search column, so a text query
	// looks up candidate sessions instead of running LIKE on every one
	// (280 ms for a rare text at 100,000 sessions). The table mirrors
	// sessions by rowid through triggers; nothing here runs VACUUM, which
	// may renumber the rowids of a table without an INTEGER PRIMARY KEY
	// (after one: INSERT INTO sessions_fts(sessions_fts) VALUES ('rebuild')).
	`CREATE VIRTUAL TABLE sessions_fts USING fts5(search, content='sessions', content_rowid='rowid',
		tokenize='trigram case_sensitive 0', detail=none);
	INSERT INTO sessions_fts (sessions_fts) VALUES ('rebuild');
	CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN
		INSERT INTO sessions_fts (rowid, search) VALUES (new.rowid, new.search);
	END;
	CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN
		INSERT INTO sessions_fts (sessions_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
	END;
	CREATE TRIGGER sessions_fts_update AFTER UPDATE OF search ON sessions BEGIN
		INSERT INTO sessions_fts (sessions_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
		INSERT INTO sessions_fts (rowid, search) VALUES (new.rowid, new.search);
	END;`,
}

// SchemaVersion is the schema version this package writes to SQLite.
func SchemaVersion() int { return len(migrations) }

// PGSchemaVersion is the schema version this package writes to PostgreSQL.
func PGSchemaVersion() int { return len(pgMigrations) }

// migrate applies the missing migrations, each in its own transaction
// together with the bump of user_version, so a crash leaves the database
// at a whole version.
func migrate(ctx context.Context, db *sql.DB) (from int, err error) {
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&from); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if from > len(migrations) {
		return from, fmt.Errorf("%w: database is at %d, this program knows up to %d", ErrSchema, from, len(migrations))
	}
	for v := from; v < len(migrations); v++ {
		if err := migrateStep(ctx, db, v); err != nil {
			return from, err
		}
	}
	return from, nil
}

func migrateStep(ctx context.Context, db *sql.DB, v int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate to %d: %w", v+1, err)
	}
	defer tx.Rollback()
	// Another process may have migrated between our read of the version
	// and this transaction, which holds the write lock (BEGIN IMMEDIATE):
	// read it again here, where it cannot change.
	var now int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil {
		return fmt.Errorf("migrate to %d: read version: %w", v+1, err)
	}
	if now > v {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return fmt.Errorf("migrate to %d: %w", v+1, err)
	}
	// PRAGMA takes no bound parameters; v is an int we control.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return fmt.Errorf("migrate to %d: set version: %w", v+1, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate to %d: commit: %w", v+1, err)
	}
	return nil
}
