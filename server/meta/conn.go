package meta

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// runner is what *sql.DB and *sql.Tx share.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// conn runs statements written once, with SQLite's ? placeholders, on
// either dialect: on PostgreSQL it numbers them ($1, $2, ...). Keeping one
// text per statement is what keeps the two backends behaving the same.
type conn struct {
	q  runner
	pg bool
}

func (c conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.rebind(query), args...)
}

func (c conn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.rebind(query), args...)
}

func (c conn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.rebind(query), args...)
}

// rebound caches rebind's results: the statements are a fixed set, plus
// ListSessions' combinations of filters.
var rebound sync.Map

// rebind numbers the ? placeholders outside string literals for PostgreSQL.
func (c conn) rebind(query string) string {
	if !c.pg || !strings.Contains(query, "?") {
		return query
	}
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		switch ch := query[i]; {
		case ch == '\'':
			quoted = !quoted
			b.WriteByte(ch)
		case ch == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
		default:
			b.WriteByte(ch)
		}
	}
	rebound.Store(query, b.String())
	return b.String()
}

// lockSession serialises the write transactions of one session on
// PostgreSQL, where they run concurrently (READ COMMITTED): without it two
// Sentinels ending their parts at once would each count the other as not
// ended, and the session would never close. SQLite already serialises all
// writes (one connection, BEGIN IMMEDIATE). The lock ends with the
// transaction; a hash collision only serialises two sessions.
func lockSession(ctx context.Context, tx conn, sid string) error {
	if !tx.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", sid)
	return err
}
