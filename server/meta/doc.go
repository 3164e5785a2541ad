// Package meta is the server's store of sessions and their metadata:
// sessions, details, the Sentinels that published into them, every state
// change, incident markers, and which nodes hold each Sentinel's
// segments. A single node keeps it in one SQLite file opened with the
// pure-Go driver modernc.org/sqlite, so the server stays CGO-free
// ([Open]); the nodes of a cluster share one PostgreSQL database through
// pgx ([OpenPostgres]).
//
// # Two backends, one type
//
// Both backends are the same [DB]: every statement is written once, with ?
// placeholders that the PostgreSQL connection numbers, and the few
// differences (JSON aggregates, greatest, ILIKE, the schema's types) are
// chosen in place. One text per statement is what keeps listing, search,
// paging and the lifecycle identical on both, and the test suite runs
// every test against each (eachBackend). On PostgreSQL write transactions
// run concurrently, so each takes an advisory lock on its session
// (lockSession); migrations run under pg_advisory_lock and are recorded
// in a schema_version table, so nodes starting at once migrate once.
//
// # Lifecycle
//
// Sessions follow seed 003: a new session is waiting; it becomes open when
// media flows; it ends in closed (clean end), truncated (error) or
// abandoned (the server's heartbeat watchdog saw no heartbeat within the
// grace period, see [DB.Stale]). A waiting session may go straight to any
// closed state. Once in a closed state a session never changes state again
// ([ErrFinal]); open never returns to waiting ([ErrTransition]); setting
// the current state again is a no-op. Every change, including the creation
// as waiting, is written to the state history with its time and reason.
//
// # Progress and quality
//
// [DB.Heartbeat] adds deltas of received and expected segments and moves
// the media end forward (it never moves back). Quality is received /
// expected clamped to [0, 1], and 1.0 while nothing is expected yet.
// Duration is media end - session start in milliseconds (0 before any
// media). The end time is set when the session enters a closed state.
//
// # Listing
//
// [DB.ListSessions] orders by start (newest first) then id, and pages with
// a keyset cursor (base64url of "<start us>.<id>" of the last row), so a
// page never repeats or skips a session because newer ones started. Text
// search is a LIKE over a per-session search column (id, detail keys and
// values); %, _ and \ in the query are literal and control characters are
// refused. On PostgreSQL a trigram GIN index (pg_trgm) answers the ILIKE
// when the planner finds it cheaper than the start order. SQLite first
// matches the newest 1,000 sessions (enough for a common text) and
// otherwise preselects through an FTS5 trigram table (TestTextSearchUsesIndex,
// TestTextSearchPlans). See BenchmarkListSessions (100,000 sessions).
//
// # Storage
//
// Times are stored as Unix microseconds (INTEGER) and returned in UTC.
// The SQLite schema is created and upgraded by a list of migrations
// tracked in PRAGMA user_version (re-read inside the migration's write
// transaction, so processes opening a new file at once migrate it once). Connections use WAL, synchronous=NORMAL (a
// committed transaction survives a process crash; the last one may be lost
// on power failure), foreign keys and a busy timeout. Writes go through a
// single connection (transactions BEGIN IMMEDIATE), reads through a pool of
// read-only connections that WAL lets run beside the writer.
package meta
