package meta

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"proctor/proto"
)

// Page sizes of ListSessions.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Query filters ListSessions. Zero fields do not filter.
type Query struct {
	State    string    // one session state
	Sentinel string    // sessions this Sentinel published into
	Text     string    // substring (case-insensitive for ASCII) of the session id, a detail key or value; % and _ are literal
	From, To time.Time // sessions overlapping [From, To]; a session not yet closed extends to now and beyond
	Limit    int       // page size: 0 means DefaultLimit, more than MaxLimit means MaxLimit
	Cursor   string    // NextCursor of the previous page
}

// ListSessions returns a page of the sessions matching q, newest start
// first (ties by id, descending). NextCursor is set when more may follow;
// pages fetched with it never repeat or skip a session that existed when
// the first page was read, even while new sessions start. ErrInvalid for
// a malformed cursor, state, sentinel id, negative limit or From after To.
func (db *DB) ListSessions(ctx context.Context, q Query) (proto.SessionList, error) {
	list := proto.SessionList{Sessions: []proto.Session{}}
	plan := planPlain
	if q.Text != "" && !db.pg {
		plan = planScan
	}
	query, args, limit, err := db.listQuery(q, plan)
	if err != nil {
		return list, err
	}
	list.Sessions, err = db.listRows(ctx, query, args)
	if err == nil && plan == planScan && len(list.Sessions) <= limit {
		// The newest scanBudget sessions did not hold a page and more:
		// the text is rare, ask the trigram index.
		if query, args, _, err = db.listQuery(q, planIndex); err == nil {
			list.Sessions, err = db.listRows(ctx, query, args)
		}
	}
	if err != nil {
		return proto.SessionList{Sessions: []proto.Session{}}, fmt.Errorf("list sessions: %w", err)
	}
	if len(list.Sessions) > limit {
		list.Sessions = list.Sessions[:limit]
		last := list.Sessions[limit-1]
		list.NextCursor = encodeCursor(us(last.Start), last.ID)
	}
	return list, nil
}

func (db *DB) listRows(ctx context.Context, query string, args []any) ([]proto.Session, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ss := []proto.Session{}
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// How SQLite answers a text query (PostgreSQL's planner chooses between
// its trigram index and the start order itself, from statistics).
// Neither way is fast for every text: walking sessions newest first and
// matching each costs the number of sessions up to the page's last match
// (a rare text scans everything: 280 ms at 100,000), while the FTS5
// trigram index costs the number of matches (a common text: 700 ms). So
// SQLite walks the newest scanBudget sessions first and asks the index
// only when they did not hold a page and more.
const (
	planPlain = iota // no text, or PostgreSQL
	planScan         // SQLite: a text matched over the newest scanBudget sessions
	planIndex        // SQLite: a text preselected by sessions_fts
)

// scanBudget bounds planScan: about 2.5 ms of matching here.
const scanBudget = 1000

// listQuery is ListSessions' statement for q in plan (one row more than
// the page, to know whether another follows), its arguments and the page
// size.
func (db *DB) listQuery(q Query, plan int) (query string, args []any, limit int, err error) {
	where, args, text, err := q.where(db.pg)
	if err != nil {
		return "", nil, 0, err
	}
	limit = q.Limit
	switch {
	case limit < 0:
		return "", nil, 0, fmt.Errorf("%w: negative limit %d", ErrInvalid, limit)
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	const order = " ORDER BY s.start DESC, s.id DESC"
	from := "sessions s"
	switch {
	case text == "":
	case db.pg:
		where, args = append(where, `s.search ILIKE ? ESCAPE '\'`), append(args, text)
	case plan == planScan:
		inner := "SELECT * FROM sessions s"
		if len(where) > 0 {
			inner += " WHERE " + strings.Join(where, " AND ")
		}
		from = "(" + inner + order + " LIMIT ?) s"
		where, args = []string{`s.search LIKE ? ESCAPE '\'`}, append(args, scanBudget, text)
	default:
		// sessions_fts takes LIKE without ESCAPE only: it preselects with
		// the text's % and _ as wildcards (a superset), and the exact
		// LIKE keeps the literal matches. ASCII case is ignored by both.
		where = append(where, `s.rowid IN (SELECT rowid FROM sessions_fts WHERE search LIKE ?)`, `s.search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+q.Text+"%", text)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	if db.pg {
		// PostgreSQL computes the columns' subqueries after the sort and
		// limit itself; the page CTE below makes it hash-join all sessions
		// (a Sentinel's page 65 ms instead of 15).
		return "SELECT " + cols(db.r) + " FROM " + from + cond + order + " LIMIT ?", append(args, limit+1), limit, nil
	}
	// SQLite picks the page first, as bare ids, so that only its rows get
	// their details, Sentinels and marker counts: when the order does not
	// come from an index (a Sentinel's sessions are sorted) it would
	// otherwise compute those subqueries for every match before sorting
	// (a Sentinel's page: 27-47 ms before, 8-11 after, at 100,000).
	query = "WITH page AS MATERIALIZED (SELECT s.id FROM " + from + cond + order +
		" LIMIT ?) SELECT " + cols(db.r) + " FROM sessions s WHERE s.id IN (SELECT id FROM page)" + order
	return query, append(args, limit+1), limit, nil
}

// where turns q's filters but the text into SQL conditions on sessions s,
// and returns the text as an escaped LIKE pattern (” without text).
func (q Query) where(pg bool) (where []string, args []any, text string, err error) {
	if q.State != "" {
		if !validState(q.State) {
			return nil, nil, "", fmt.Errorf("%w: unknown state %q", ErrInvalid, q.State)
		}
		where, args = append(where, "s.state = ?"), append(args, q.State)
	}
	if q.Sentinel != "" {
		if err := checkID("sentinel", q.Sentinel); err != nil {
			return nil, nil, "", err
		}
		// IN lets the planner start from the Sentinel's index when it is rare.
		// PostgreSQL turns IN into a hash join over every session; = ANY of
		// an array makes it look the Sentinel's sessions up by id instead.
		in := "s.id IN (SELECT ss.session FROM session_sentinels ss WHERE ss.sentinel = ?)"
		if pg {
			in = "s.id = ANY (ARRAY(SELECT ss.session FROM session_sentinels ss WHERE ss.sentinel = ?))"
		}
		where = append(where, in)
		args = append(args, q.Sentinel)
	}
	if q.Text != "" {
		if err := checkText("text", q.Text, 1, proto.MaxDetailLen); err != nil {
			return nil, nil, "", err
		}
		// NUL would end the pattern early (matching everything) and U+001F
		// separates fields of the search column: no control characters.
		if strings.IndexFunc(q.Text, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			return nil, nil, "", fmt.Errorf("%w: text contains a control character", ErrInvalid)
		}
		text = "%" + escapeLike(q.Text) + "%"
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.From.After(q.To) {
		return nil, nil, "", fmt.Errorf("%w: from %s is after to %s", ErrInvalid, q.From, q.To)
	}
	if !q.To.IsZero() {
		where, args = append(where, "s.start <= ?"), append(args, us(q.To))
	}
	if !q.From.IsZero() {
		where, args = append(where, "(s.end_at IS NULL OR s.end_at >= ?)"), append(args, us(q.From))
	}
	if q.Cursor != "" {
		start, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, nil, "", err
		}
		where, args = append(where, "(s.start, s.id) < (?, ?)"), append(args, start, id)
	}
	return where, args, text, nil
}

// escapeLike makes s match literally in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// A cursor is base64url("<start unix us>.<session id>") of the last
// session of a page. Session ids hold no '.', so the split is unambiguous.
func encodeCursor(start int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(start, 10) + "." + id))
}

func decodeCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", fmt.Errorf("%w: cursor: %v", ErrInvalid, err)
	}
	ts, id, ok := strings.Cut(string(b), ".")
	if !ok || !proto.ValidID(id) {
		return 0, "", fmt.Errorf("%w: malformed cursor", ErrInvalid)
	}
	start, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("%w: malformed cursor: %v", ErrInvalid, err)
	}
	return start, id, nil
}
