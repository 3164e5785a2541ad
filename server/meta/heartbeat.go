package meta

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Progress is what one heartbeat reports: deltas of segments received and
// expected since the previous heartbeat, and the wall-clock end of the
// newest media (zero: unchanged).
type Progress struct {
	Received, Expected int64
	MediaEnd           time.Time
}

// Heartbeat records that session sid is alive at now and adds p's
// progress. It does not change the state. A closed session takes no
// heartbeats: ErrFinal.
func (db *DB) Heartbeat(ctx context.Context, sid string, now time.Time, p Progress) error {
	if err := checkID("session", sid); err != nil {
		return err
	}
	if p.Received < 0 || p.Expected < 0 {
		return fmt.Errorf("%w: negative progress %+v", ErrInvalid, p)
	}
	var mediaEnd int64
	if !p.MediaEnd.IsZero() {
		mediaEnd = max(0, us(p.MediaEnd))
	}
	update := `UPDATE sessions SET heartbeat = ?, received = received + ?,
			expected = expected + ?, media_end = max(media_end, ?) WHERE id = ? AND state IN ('waiting', 'open')`
	if db.pg {
		update = strings.Replace(update, "max(", "greatest(", 1)
	}
	err := db.tx(ctx, func(tx conn) error {
		res, err := tx.ExecContext(ctx, update,
			us(now), p.Received, p.Expected, mediaEnd, sid)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		st, err := stateOf(ctx, tx, sid)
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: %s is %s", ErrFinal, sid, st)
	})
	if err != nil {
		return fmt.Errorf("heartbeat %s: %w", sid, err)
	}
	return nil
}

// Stale returns the ids of waiting and open sessions whose last heartbeat
// is before before, oldest heartbeat first. The server's watchdog sets
// them abandoned.
func (db *DB) Stale(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM sessions WHERE state IN ('waiting', 'open')
		AND heartbeat < ? ORDER BY heartbeat, id`, us(before))
	if err != nil {
		return nil, fmt.Errorf("stale sessions: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("stale sessions: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
