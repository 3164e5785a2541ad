package meta

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// EndPart records that sentinel's part of session sid ended (its "end")
// and returns how many attached Sentinels have not ended theirs: the
// session closes only when none is left, so one Sentinel's end does not
// close a session others still publish into.
func (db *DB) EndPart(ctx context.Context, sid, sentinel string) (remaining int, err error) {
	err = db.tx(ctx, func(tx conn) error {
		if err := lockSession(ctx, tx, sid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE session_sentinels SET ended = 1 WHERE session = ? AND sentinel = ?",
			sid, sentinel); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM session_sentinels WHERE session = ? AND ended = 0",
			sid).Scan(&remaining)
	})
	if err != nil {
		return 0, fmt.Errorf("end part of %s in %s: %w", sentinel, sid, err)
	}
	return remaining, nil
}

// Opener returns the Sentinel that opened session sid: the first one
// attached. Without a claim on the session, only it may change the
// session's details.
func (db *DB) Opener(ctx context.Context, sid string) (string, error) {
	var id string
	err := db.r.QueryRowContext(ctx, `SELECT sentinel FROM session_sentinels WHERE session = ?
		ORDER BY attached, sentinel LIMIT 1`, sid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("opener of %s: %w", sid, err)
	}
	return id, nil
}
