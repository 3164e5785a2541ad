package meta

import (
	"context"
	"fmt"
	"time"

	"proctor/proto"
)

// StateChange is one entry of a session's state history. From is empty
// for the creation of the session.
type StateChange struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Time   time.Time `json:"time"`
	Reason string    `json:"reason,omitempty"`
}

// defaultReason says why a session enters state when the caller gives no
// reason: the meaning seed 003 gives each state.
var defaultReason = map[string]string{
	proto.SessionWaiting:   "started",
	proto.SessionOpen:      "media",
	proto.SessionClosed:    "ended",
	proto.SessionTruncated: "error",
	proto.SessionAbandoned: "no heartbeat",
}

// checkTransition applies the lifecycle of seed 003 to from -> to (to
// differs from from): nothing leaves a closed state, open never returns
// to waiting, everything else is allowed.
func checkTransition(from, to string) error {
	switch {
	case proto.SessionFinal(from):
		return fmt.Errorf("%w: is %s, cannot become %s", ErrFinal, from, to)
	case to == proto.SessionWaiting:
		return fmt.Errorf("%w: %s -> %s", ErrTransition, from, to)
	}
	return nil
}

// SetState moves session sid to state at now with the state's default
// reason; see SetStateReason.
func (db *DB) SetState(ctx context.Context, sid, state string, now time.Time) error {
	return db.SetStateReason(ctx, sid, state, "", now)
}

// SetStateReason moves session sid to state at now and records the change
// with reason (the state's default reason when empty) in the history.
// Setting the current state is a no-op. Entering a closed state sets the
// session's end. Errors: ErrNotFound, ErrFinal (the session is closed),
// ErrTransition (open -> waiting), ErrInvalid (unknown state).
func (db *DB) SetStateReason(ctx context.Context, sid, state, reason string, now time.Time) error {
	if err := checkID("session", sid); err != nil {
		return err
	}
	if !validState(state) {
		return fmt.Errorf("%w: unknown state %q", ErrInvalid, state)
	}
	if err := checkText("reason", reason, 0, MaxNoteLen); err != nil {
		return err
	}
	if reason == "" {
		reason = defaultReason[state]
	}
	var from string
	err := db.tx(ctx, func(tx conn) error {
		if err := lockSession(ctx, tx, sid); err != nil {
			return err
		}
		var err error
		from, err = stateOf(ctx, tx, sid)
		if err != nil || from == state {
			return err
		}
		if err := checkTransition(from, state); err != nil {
			return err
		}
		t := us(now)
		if proto.SessionFinal(state) {
			_, err = tx.ExecContext(ctx, "UPDATE sessions SET state = ?, end_at = ? WHERE id = ?", state, t, sid)
		} else {
			_, err = tx.ExecContext(ctx, "UPDATE sessions SET state = ? WHERE id = ?", state, sid)
		}
		if err != nil {
			return err
		}
		return addHistory(ctx, tx, sid, from, state, reason, t)
	})
	if err != nil {
		return fmt.Errorf("set state of %s to %s: %w", sid, state, err)
	}
	if from != state {
		db.log.Info("session state", "session", sid, "from", from, "to", state, "reason", reason)
	}
	return nil
}

func addHistory(ctx context.Context, tx conn, sid, from, to, reason string, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO state_history (session, from_state, to_state, at, reason)
		VALUES (?, ?, ?, ?, ?)`, sid, from, to, at, reason)
	return err
}

// StateHistory returns every state change of session sid in the order they
// happened, starting with its creation as waiting. ErrNotFound when the
// session does not exist.
func (db *DB) StateHistory(ctx context.Context, sid string) ([]StateChange, error) {
	if !proto.ValidID(sid) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, sid)
	}
	if _, err := stateOf(ctx, db.r, sid); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT from_state, to_state, at, reason FROM state_history
		WHERE session = ? ORDER BY id`, sid)
	if err != nil {
		return nil, fmt.Errorf("state history of %s: %w", sid, err)
	}
	defer rows.Close()
	var h []StateChange
	for rows.Next() {
		var c StateChange
		var at int64
		if err := rows.Scan(&c.From, &c.To, &at, &c.Reason); err != nil {
			return nil, fmt.Errorf("state history of %s: %w", sid, err)
		}
		c.Time = fromUS(at)
		h = append(h, c)
	}
	return h, rows.Err()
}
