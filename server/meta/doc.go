// Package meta is the server's store of sessions and their metadata:
// sessions, details, the Sentinels that published into them, every state
// change, and incident markers. It lives in one SQLite file opened with
// the pure-Go driver modernc.org/sqlite, so the server stays CGO-free.
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
// refused. It scans every session not excluded by the other filters:
// tens of milliseconds at 10,000 sessions (BenchmarkListSessions).
//
// # Storage
//
// Times are stored as Unix microseconds (INTEGER) and returned in UTC.
// The schema is created and upgraded by a list of migrations tracked in
// PRAGMA user_version. Connections use WAL, synchronous=NORMAL (a
// committed transaction survives a process crash; the last one may be lost
// on power failure), foreign keys and a busy timeout. Writes go through a
// single connection (transactions BEGIN IMMEDIATE), reads through a pool of
// read-only connections that WAL lets run beside the writer.
package meta
