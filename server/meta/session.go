package meta

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"proctor/proto"
)

// DefaultType is the type of a session started without one.
const DefaultType = "proctor"

// MaxTypeLen bounds a session type (seed 003: at most 32 characters).
const MaxTypeLen = 32

// sessionCols selects a whole proto.Session for scanSession; the table
// must be aliased s.
const sessionCols = `s.id, s.type, s.state, s.start, s.end_at, s.heartbeat, s.media_end, s.received, s.expected,
	(SELECT json_group_object(key, value) FROM session_details WHERE session = s.id),
	(SELECT json_group_array(sentinel) FROM session_sentinels WHERE session = s.id),
	(SELECT count(*) FROM markers WHERE session = s.id)`

// pgSessionCols is sessionCols in PostgreSQL's JSON functions, which give
// NULL rather than an empty object or array over no rows.
const pgSessionCols = `s.id, s.type, s.state, s.start, s.end_at, s.heartbeat, s.media_end, s.received, s.expected,
	(SELECT coalesce(json_object_agg(key, value)::text, '{}') FROM session_details WHERE session = s.id),
	(SELECT coalesce(json_agg(sentinel)::text, '[]') FROM session_sentinels WHERE session = s.id),
	(SELECT count(*) FROM markers WHERE session = s.id)`

// cols returns the session columns in q's dialect.
func cols(q conn) string {
	if q.pg {
		return pgSessionCols
	}
	return sessionCols
}

type scanner interface{ Scan(dest ...any) error }

// scanSession reads one row of sessionCols.
func scanSession(row scanner) (proto.Session, error) {
	var (
		s                                          proto.Session
		start, heartbeat, mediaEnd, recv, expected int64
		end                                        sql.NullInt64
		details, sentinels                         string
	)
	if err := row.Scan(&s.ID, &s.Type, &s.State, &start, &end, &heartbeat, &mediaEnd, &recv, &expected,
		&details, &sentinels, &s.Markers); err != nil {
		return s, err
	}
	s.Start, s.Heartbeat = fromUS(start), fromUS(heartbeat)
	if end.Valid {
		t := fromUS(end.Int64)
		s.End = &t
	}
	if mediaEnd > start {
		s.Duration = (mediaEnd - start) / 1000
	}
	s.Quality = quality(recv, expected)
	if err := json.Unmarshal([]byte(details), &s.Details); err != nil {
		return s, fmt.Errorf("decode details of %s: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(sentinels), &s.Sentinels); err != nil {
		return s, fmt.Errorf("decode sentinels of %s: %w", s.ID, err)
	}
	slices.Sort(s.Sentinels)
	return s, nil
}

// quality is received/expected in [0, 1]; 1 while nothing is expected.
func quality(received, expected int64) float64 {
	if expected <= 0 {
		return 1
	}
	return min(1, max(0, float64(received)/float64(expected)))
}

func getSession(ctx context.Context, q conn, sid string) (proto.Session, error) {
	s, err := scanSession(q.QueryRowContext(ctx, "SELECT "+cols(q)+" FROM sessions s WHERE s.id = ?", sid))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("%w: %s", ErrNotFound, sid)
	}
	return s, err
}

// stateOf returns the state of sid, or ErrNotFound.
func stateOf(ctx context.Context, q querier, sid string) (string, error) {
	var st string
	err := q.QueryRowContext(ctx, "SELECT state FROM sessions WHERE id = ?", sid).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: %s", ErrNotFound, sid)
	}
	return st, err
}

// StartSession creates session id in state waiting with the given type
// (DefaultType when empty) and details, starting at now. When id exists
// and is not closed it is returned unchanged (a reconnecting Sentinel
// continues its session; use SetDetails to change details). A closed
// session cannot be started again: ErrFinal.
func (db *DB) StartSession(ctx context.Context, id, typ string, details map[string]string, now time.Time) (proto.Session, error) {
	if typ == "" {
		typ = DefaultType
	}
	if err := checkID("session", id); err != nil {
		return proto.Session{}, err
	}
	if err := checkText("type", typ, 1, MaxTypeLen); err != nil {
		return proto.Session{}, err
	}
	if err := checkDetails(details); err != nil {
		return proto.Session{}, err
	}
	var s proto.Session
	created := false
	err := db.tx(ctx, func(tx conn) error {
		if err := lockSession(ctx, tx, id); err != nil {
			return err
		}
		st, err := stateOf(ctx, tx, id)
		switch {
		case err == nil && proto.SessionFinal(st):
			return fmt.Errorf("%w: %s is %s", ErrFinal, id, st)
		case errors.Is(err, ErrNotFound):
			t := us(now)
			if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, type, state, start, heartbeat, search)
				VALUES (?, ?, ?, ?, ?, ?)`, id, typ, proto.SessionWaiting, t, t, searchText(id, details)); err != nil {
				return err
			}
			if err := putDetails(ctx, tx, id, details); err != nil {
				return err
			}
			if err := addHistory(ctx, tx, id, "", proto.SessionWaiting, "started", t); err != nil {
				return err
			}
			created = true
		case err != nil:
			return err
		}
		s, err = getSession(ctx, tx, id)
		return err
	})
	if err != nil {
		return proto.Session{}, fmt.Errorf("start session %s: %w", id, err)
	}
	if created {
		db.log.Info("session started", "session", id, "type", typ)
	}
	return s, nil
}

// AttachSentinel records that sentinel publishes into session sid from
// source (webcam, screen, file, test). Attaching again updates the source
// (and a Sentinel whose part had ended takes part again).
// A closed session takes no new Sentinels: ErrFinal.
func (db *DB) AttachSentinel(ctx context.Context, sid, sentinel, source string) error {
	if err := checkID("session", sid); err != nil {
		return err
	}
	if err := checkID("sentinel", sentinel); err != nil {
		return err
	}
	if err := checkText("source", source, 0, MaxLabelLen); err != nil {
		return err
	}
	err := db.tx(ctx, func(tx conn) error {
		if err := lockSession(ctx, tx, sid); err != nil {
			return err
		}
		st, err := stateOf(ctx, tx, sid)
		if err != nil {
			return err
		}
		if proto.SessionFinal(st) {
			return fmt.Errorf("%w: %s is %s", ErrFinal, sid, st)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO session_sentinels (session, sentinel, source, attached)
			VALUES (?, ?, ?, ?) ON CONFLICT (session, sentinel) DO UPDATE SET source = excluded.source, ended = 0`,
			sid, sentinel, source, us(db.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("attach %s to %s: %w", sentinel, sid, err)
	}
	return nil
}

// SetDetails replaces the details of session sid with details (at most
// proto.MaxDetails entries). Details of a closed session may still change.
func (db *DB) SetDetails(ctx context.Context, sid string, details map[string]string) error {
	if err := checkID("session", sid); err != nil {
		return err
	}
	if err := checkDetails(details); err != nil {
		return err
	}
	err := db.tx(ctx, func(tx conn) error {
		if err := lockSession(ctx, tx, sid); err != nil {
			return err
		}
		if _, err := stateOf(ctx, tx, sid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM session_details WHERE session = ?", sid); err != nil {
			return err
		}
		if err := putDetails(ctx, tx, sid, details); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE sessions SET search = ? WHERE id = ?", searchText(sid, details), sid)
		return err
	})
	if err != nil {
		return fmt.Errorf("set details of %s: %w", sid, err)
	}
	return nil
}

// searchText is the text ListSessions searches: the id, then each detail
// key and value, all preceded by U+001F (which queries may not contain).
func searchText(id string, details map[string]string) string {
	var b strings.Builder
	b.WriteString(id)
	for k, v := range details {
		b.WriteString(searchSep + k + searchSep + v)
	}
	return b.String()
}

const searchSep = "\x1f"

func putDetails(ctx context.Context, tx conn, sid string, details map[string]string) error {
	for k, v := range details {
		if _, err := tx.ExecContext(ctx, "INSERT INTO session_details (session, key, value) VALUES (?, ?, ?)", sid, k, v); err != nil {
			return err
		}
	}
	return nil
}

// Session returns session sid, or ErrNotFound.
func (db *DB) Session(ctx context.Context, sid string) (proto.Session, error) {
	if !proto.ValidID(sid) {
		return proto.Session{}, fmt.Errorf("%w: %q", ErrNotFound, sid)
	}
	return getSession(ctx, db.r, sid)
}

// ActiveSession returns the newest waiting or open session that sentinel
// is attached to, or ErrNotFound. The server uses it to let a Sentinel
// that reconnects without a session id continue its session.
func (db *DB) ActiveSession(ctx context.Context, sentinel string) (proto.Session, error) {
	var sid string
	err := db.r.QueryRowContext(ctx, `SELECT s.id FROM session_sentinels ss JOIN sessions s ON s.id = ss.session
		WHERE ss.sentinel = ? AND s.state IN ('waiting', 'open') ORDER BY s.start DESC, s.id DESC LIMIT 1`,
		sentinel).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return proto.Session{}, fmt.Errorf("%w: no active session of %s", ErrNotFound, sentinel)
	}
	if err != nil {
		return proto.Session{}, err
	}
	return getSession(ctx, db.r, sid)
}
