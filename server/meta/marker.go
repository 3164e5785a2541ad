package meta

import (
	"context"
	"fmt"

	"proctor/proto"
)

// AddMarker stores an incident marker on session m.Session and returns it
// with its ID (and Created, set from db.Now when zero). The label must be
// 1-100 characters, the note at most 2000, the author at most 200, the
// sentinel a valid id and the time set; otherwise ErrInvalid. ErrNotFound
// when the session does not exist. Closed sessions take markers: review
// happens after the fact.
func (db *DB) AddMarker(ctx context.Context, m proto.Marker) (proto.Marker, error) {
	if !proto.ValidID(m.Session) {
		return m, fmt.Errorf("add marker: %w: %q", ErrNotFound, m.Session)
	}
	if err := checkMarker(m); err != nil {
		return m, fmt.Errorf("add marker: %w", err)
	}
	if m.Created.IsZero() {
		m.Created = db.Now()
	}
	m.Time, m.Created = fromUS(us(m.Time)), fromUS(us(m.Created))
	err := db.tx(ctx, func(tx conn) error {
		if _, err := stateOf(ctx, tx, m.Session); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO markers (session, sentinel, time, label, note, author, created)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.Session, m.Sentinel, us(m.Time), m.Label, m.Note, m.Author, us(m.Created)).Scan(&m.ID)
	})
	if err != nil {
		return m, fmt.Errorf("add marker to %s: %w", m.Session, err)
	}
	db.log.Debug("marker added", "session", m.Session, "sentinel", m.Sentinel, "marker", m.ID)
	return m, nil
}

func checkMarker(m proto.Marker) error {
	if err := checkID("sentinel", m.Sentinel); err != nil {
		return err
	}
	if m.Time.IsZero() {
		return fmt.Errorf("%w: marker time is missing", ErrInvalid)
	}
	if err := checkText("label", m.Label, 1, MaxLabelLen); err != nil {
		return err
	}
	if err := checkText("note", m.Note, 0, MaxNoteLen); err != nil {
		return err
	}
	return checkText("author", m.Author, 0, MaxAuthorLen)
}

// Markers returns the markers of session sid sorted by time (then by
// creation order). ErrNotFound when the session does not exist.
func (db *DB) Markers(ctx context.Context, sid string) ([]proto.Marker, error) {
	if !proto.ValidID(sid) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, sid)
	}
	if _, err := stateOf(ctx, db.r, sid); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, sentinel, time, label, note, author, created
		FROM markers WHERE session = ? ORDER BY time, id`, sid)
	if err != nil {
		return nil, fmt.Errorf("markers of %s: %w", sid, err)
	}
	defer rows.Close()
	ms := []proto.Marker{}
	for rows.Next() {
		m := proto.Marker{Session: sid}
		var t, created int64
		if err := rows.Scan(&m.ID, &m.Sentinel, &t, &m.Label, &m.Note, &m.Author, &created); err != nil {
			return nil, fmt.Errorf("markers of %s: %w", sid, err)
		}
		m.Time, m.Created = fromUS(t), fromUS(created)
		ms = append(ms, m)
	}
	return ms, rows.Err()
}
