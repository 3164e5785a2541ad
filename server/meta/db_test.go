package meta

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"proctor/proto"
)

// TestReopen: everything written is there after Close and Open, and the
// schema is not migrated twice.
func TestReopen(t *testing.T) { eachBackend(t, testReopen) }

func testReopen(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	mustStart(t, db, "keep", map[string]string{"candidate": "Ada"}, t0)
	db.AttachSentinel(ctx, "keep", "cam-1", "webcam")
	db.SetState(ctx, "keep", proto.SessionOpen, t0.Add(time.Second))
	db.Heartbeat(ctx, "keep", t0.Add(3*time.Second), Progress{Received: 3, Expected: 4, MediaEnd: t0.Add(3 * time.Second)})
	db.SetStateReason(ctx, "keep", proto.SessionTruncated, "disk full", t0.Add(4*time.Second))
	m, err := db.AddMarker(ctx, proto.Marker{Session: "keep", Sentinel: "cam-1", Time: t0.Add(2 * time.Second), Label: "x", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := db.Session(ctx, "keep")
	hist, _ := db.StateHistory(ctx, "keep")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db2, err := openDSN(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	after, err := db2.Session(ctx, "keep")
	if err != nil || !reflect.DeepEqual(before, after) {
		t.Fatalf("after reopen %+v, %v\nbefore %+v", after, err, before)
	}
	if after.Quality != 0.75 || after.Duration != 3000 || after.State != proto.SessionTruncated {
		t.Fatalf("reopened session %+v", after)
	}
	hist2, _ := db2.StateHistory(ctx, "keep")
	if !reflect.DeepEqual(hist, hist2) || len(hist2) != 3 || hist2[2].Reason != "disk full" {
		t.Fatalf("history %+v, want %+v", hist2, hist)
	}
	ms, _ := db2.Markers(ctx, "keep")
	if len(ms) != 1 || ms[0] != m {
		t.Fatalf("markers %+v, want %+v", ms, m)
	}
	if db2.pg {
		var v int
		if err := db2.w.QueryRow("SELECT max(version) FROM schema_version").Scan(&v); err != nil || v != PGSchemaVersion() {
			t.Fatalf("schema_version %d, %v", v, err)
		}
		return
	}
	var v int
	var mode string
	db2.w.QueryRow("PRAGMA user_version").Scan(&v)
	db2.w.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if v != SchemaVersion() || mode != "wal" {
		t.Fatalf("user_version %d journal %s", v, mode)
	}
	if _, err := db2.r.q.(*sql.DB).Exec("DELETE FROM sessions"); err == nil {
		t.Fatal("the read pool accepted a write")
	}
}

// TestMigrateFromV1: a file written at schema 1 is upgraded in place and
// its existing sessions become searchable by their details.
func TestMigrateFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], "PRAGMA user_version = 1",
		"INSERT INTO sessions (id, state, start, heartbeat) VALUES ('old', 'closed', 1, 1)",
		"INSERT INTO session_details VALUES ('old', 'candidate', 'Grace Hopper')"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, text := range []string{"hopper", "CANDIDATE", "old"} {
		l, err := db.ListSessions(context.Background(), Query{Text: text})
		if err != nil || len(l.Sessions) != 1 || l.Sessions[0].ID != "old" {
			t.Fatalf("text %q after migration: %+v, %v", text, l, err)
		}
	}
	var v int
	db.w.QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() {
		t.Fatalf("user_version %d, want %d", v, SchemaVersion())
	}
}

// TestNewerSchema: a file from a newer program is refused, not damaged.
func TestNewerSchema(t *testing.T) { eachBackend(t, testNewerSchema) }

func testNewerSchema(t *testing.T) {
	db, path := openTest(t)
	if db.pg {
		db.w.Exec("INSERT INTO schema_version (version) VALUES ($1)", PGSchemaVersion()+1)
	} else {
		db.w.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1))
	}
	db.Close()
	_, err := openDSN(path)
	wantErr(t, "newer schema", err, ErrSchema)
}

// TestForeignKeys: rows of other tables cannot point at no session.
func TestForeignKeys(t *testing.T) { eachBackend(t, testForeignKeys) }

func testForeignKeys(t *testing.T) {
	db, _ := openTest(t)
	_, err := db.w.Exec("INSERT INTO markers (session, sentinel, time, label, created) VALUES ('ghost', 'c', 1, 'l', 1)")
	if err == nil {
		t.Fatal("marker of a missing session inserted: foreign keys are off")
	}
}

// TestConcurrentWriters runs many writers and readers at once (run with
// -race): every write lands, none fails with "database is locked".
func TestConcurrentWriters(t *testing.T) { eachBackend(t, testConcurrentWriters) }

func testConcurrentWriters(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	const workers, each = 6, 10
	mustStart(t, db, "shared", nil, t0)
	var wg sync.WaitGroup
	errs := make(chan error, workers*(each*5+1)) // every send fits: no goroutine blocks
	for w := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range each {
				sid := fmt.Sprintf("w%d-%d", w, i)
				at := t0.Add(time.Duration(w*each+i) * time.Millisecond)
				if _, err := db.StartSession(ctx, sid, "", map[string]string{"w": fmt.Sprint(w)}, at); err != nil {
					errs <- err
					continue
				}
				errs <- db.AttachSentinel(ctx, sid, fmt.Sprintf("cam-%d", w), "test")
				errs <- db.SetState(ctx, sid, proto.SessionOpen, at)
				errs <- db.Heartbeat(ctx, "shared", at, Progress{Received: 1, Expected: 1})
				_, err := db.AddMarker(ctx, proto.Marker{Session: "shared", Sentinel: "cam-0", Time: at, Label: sid})
				errs <- err
			}
		}()
		go func() { // a reader beside each writer
			defer wg.Done()
			for range each {
				if _, err := db.ListSessions(ctx, Query{Text: "w", Limit: 20}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	all, _ := db.ListSessions(ctx, Query{State: proto.SessionOpen, Limit: MaxLimit})
	ms, _ := db.Markers(ctx, "shared")
	s, _ := db.Session(ctx, "shared")
	if len(all.Sessions) != workers*each || len(ms) != workers*each || s.Quality != 1 {
		t.Fatalf("%d open sessions, %d markers, quality %v; want %d each", len(all.Sessions), len(ms), s.Quality, workers*each)
	}
}
