package meta

import (
	"context"
	"fmt"
	"testing"
	"time"

	"proctor/proto"
)

// seedBench writes n sessions in one transaction: 3 details, 1 Sentinel
// (of 100), 2 markers and 2 history rows each; a fifth still open.
func seedBench(b *testing.B, db *DB, n int) {
	b.Helper()
	ctx := context.Background()
	states := []string{proto.SessionClosed, proto.SessionClosed, proto.SessionOpen, proto.SessionAbandoned, proto.SessionTruncated}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		id := fmt.Sprintf("exam-%06d", i)
		start := us(t0.Add(time.Duration(i) * 30 * time.Second))
		st := states[i%len(states)]
		var end any
		if proto.SessionFinal(st) {
			end = start + (45 * time.Minute).Microseconds()
		}
		details := map[string]string{"candidate": fmt.Sprintf("Candidate %d", i),
			"course": fmt.Sprintf("Course %d", i%40), "room": fmt.Sprintf("Room %d", i%12)}
		stmts := []struct {
			q    string
			args []any
		}{
			{`INSERT INTO sessions (id, state, start, end_at, heartbeat, media_end, received, expected, search)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, []any{id, st, start, end, start, start + 1e6, 900, 1000, searchText(id, details)}},
			{"INSERT INTO session_details VALUES (?, 'candidate', ?), (?, 'course', ?), (?, 'room', ?)",
				[]any{id, details["candidate"], id, details["course"], id, details["room"]}},
			{"INSERT INTO session_sentinels VALUES (?, ?, 'webcam', ?)", []any{id, fmt.Sprintf("cam-%d", i%100), start}},
			{"INSERT INTO markers (session, sentinel, time, label, created) VALUES (?, 'cam-0', ?, 'a', ?), (?, 'cam-0', ?, 'b', ?)",
				[]any{id, start, start, id, start + 1, start}},
			{"INSERT INTO state_history (session, from_state, to_state, at) VALUES (?, '', 'waiting', ?), (?, 'waiting', ?, ?)",
				[]any{id, start, id, st, start}},
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListSessions lists pages of 50 out of 10,000 sessions.
func BenchmarkListSessions(b *testing.B) {
	db, _ := openTest(b)
	const n = 10000
	seedBench(b, db, n)
	ctx := context.Background()
	mid, err := db.ListSessions(ctx, Query{Limit: n / 2})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		q    Query
	}{
		{"first-page", Query{}},
		{"deep-page", Query{Cursor: mid.NextCursor}},
		{"state", Query{State: proto.SessionAbandoned}},
		{"sentinel", Query{Sentinel: "cam-42"}},
		{"text-common", Query{Text: "course 1"}},
		{"text-rare", Query{Text: "candidate 123"}},
		{"text-none", Query{Text: "nobody"}},
		{"range", Query{From: t0.Add(40 * time.Hour), To: t0.Add(41 * time.Hour)}},
		{"page-500", Query{Limit: MaxLimit}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var got int
			for b.Loop() {
				l, err := db.ListSessions(ctx, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				got = len(l.Sessions)
			}
			b.ReportMetric(float64(got), "sessions/op")
		})
	}
}
