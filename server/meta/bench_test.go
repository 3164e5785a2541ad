package meta

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"proctor/proto"
)

// seedBench writes n sessions in one transaction: 3 details, 1 Sentinel
// (of 100), 2 markers and 2 history rows each; a fifth still open. Rows go
// in multi-row INSERTs of 200 sessions, so seeding PostgreSQL over
// loopback does not take a round trip per row.
func seedBench(b testing.TB, db *DB, n int) {
	b.Helper()
	ctx := context.Background()
	states := []string{proto.SessionClosed, proto.SessionClosed, proto.SessionOpen, proto.SessionAbandoned, proto.SessionTruncated}
	raw, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	tx := conn{raw, db.pg}
	type batch struct {
		head, row string
		rows      []string
		args      []any
	}
	batches := []*batch{
		{head: "INSERT INTO sessions (id, state, start, end_at, heartbeat, media_end, received, expected, search) VALUES ", row: "(?, ?, ?, ?, ?, ?, ?, ?, ?)"},
		{head: "INSERT INTO session_details (session, key, value) VALUES ", row: "(?, ?, ?)"},
		{head: "INSERT INTO session_sentinels (session, sentinel, source, attached) VALUES ", row: "(?, ?, 'webcam', ?)"},
		{head: "INSERT INTO markers (session, sentinel, time, label, created) VALUES ", row: "(?, 'cam-0', ?, ?, ?)"},
		{head: "INSERT INTO state_history (session, from_state, to_state, at) VALUES ", row: "(?, ?, ?, ?)"},
	}
	add := func(bt *batch, args ...any) {
		bt.rows = append(bt.rows, bt.row)
		bt.args = append(bt.args, args...)
	}
	flush := func() {
		for _, bt := range batches {
			if len(bt.rows) == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, bt.head+strings.Join(bt.rows, ", "), bt.args...); err != nil {
				b.Fatal(err)
			}
			bt.rows, bt.args = bt.rows[:0], bt.args[:0]
		}
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
		add(batches[0], id, st, start, end, start, start+1e6, 900, 1000, searchText(id, details))
		for _, k := range []string{"candidate", "course", "room"} {
			add(batches[1], id, k, details[k])
		}
		add(batches[2], id, fmt.Sprintf("cam-%d", i%100), start)
		add(batches[3], id, start, "a", start)
		add(batches[3], id, start+1, "b", start)
		add(batches[4], id, "", proto.SessionWaiting, start)
		add(batches[4], id, proto.SessionWaiting, st, start)
		if i%200 == 199 {
			flush()
		}
	}
	flush()
	if err := raw.Commit(); err != nil {
		b.Fatal(err)
	}
	// Both planners need statistics to pick the search index; a server
	// has them from PRAGMA optimize / autovacuum.
	stmt := "ANALYZE"
	if _, err := db.w.ExecContext(ctx, stmt); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListSessions lists pages of 50 out of 100,000 sessions, on
// each backend.
func BenchmarkListSessions(b *testing.B) {
	for _, be := range backends {
		b.Run(be, benchListSessions)
	}
}

func benchListSessions(b *testing.B) {
	db, _ := openTest(b)
	const n = 100000
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
