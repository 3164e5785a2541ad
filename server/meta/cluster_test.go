package meta

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"proctor/internal/testpg"
)

func TestHolders(t *testing.T) { eachBackend(t, testHolders) }

func testHolders(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if h, err := db.Holders(ctx, "cam-1"); err != nil || h == nil || len(h) != 0 {
		t.Fatalf("holders of an unknown Sentinel %#v, %v", h, err)
	}
	for _, n := range []string{"node-b", "node-a", "node-b"} {
		if err := db.AddHolder(ctx, "cam-1", n); err != nil {
			t.Fatal(err)
		}
	}
	db.AddHolder(ctx, "cam-2", "node-c")
	if h, _ := db.Holders(ctx, "cam-1"); !reflect.DeepEqual(h, []string{"node-a", "node-b"}) {
		t.Fatalf("holders %v", h)
	}
	if err := db.RemoveHolder(ctx, "cam-1", "node-b"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveHolder(ctx, "cam-1", "node-x"); err != nil {
		t.Fatal(err)
	}
	if h, _ := db.Holders(ctx, "cam-1"); !reflect.DeepEqual(h, []string{"node-a"}) {
		t.Fatalf("holders after remove %v", h)
	}
	wantErr(t, "bad node", db.AddHolder(ctx, "cam-1", "no/de"), ErrInvalid)
	wantErr(t, "bad sentinel", db.AddHolder(ctx, "", "node-a"), ErrInvalid)
}

// TestConcurrentMigrate: three nodes opening the same fresh database at
// once all succeed, and the schema is migrated exactly once.
func TestConcurrentMigrate(t *testing.T) { eachBackend(t, testConcurrentMigrate) }

func testConcurrentMigrate(t *testing.T) {
	dsn := t.TempDir() + "/meta.db"
	if backendOf(t) == "postgres" {
		dsn = testpg.NewDB(t)
	}
	const nodes = 3
	dbs := make([]*DB, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = openDSN(dsn)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	ctx := context.Background()
	mustStart(t, dbs[0], "s1", map[string]string{"candidate": "Ada"}, t0)
	for i, db := range dbs {
		if l, err := db.ListSessions(ctx, Query{Text: "ada"}); err != nil || len(l.Sessions) != 1 {
			t.Fatalf("node %d lists %+v, %v", i, l, err)
		}
	}
	if dbs[0].pg {
		var n, v int
		dbs[0].w.QueryRow("SELECT count(*), max(version) FROM schema_version").Scan(&n, &v)
		if n != PGSchemaVersion() || v != PGSchemaVersion() {
			t.Fatalf("schema_version has %d rows up to %d, want %d", n, v, PGSchemaVersion())
		}
	}
}

// TestConcurrentEndPart: two Sentinels ending their parts of one session
// at the same moment; exactly one of them sees none remaining, so the
// session closes once (on PostgreSQL the transactions really overlap).
func TestConcurrentEndPart(t *testing.T) { eachBackend(t, testConcurrentEndPart) }

func testConcurrentEndPart(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for i := range 30 {
		sid := fmt.Sprintf("s%d", i)
		mustStart(t, db, sid, nil, t0)
		db.AttachSentinel(ctx, sid, "cam-a", "webcam")
		db.AttachSentinel(ctx, sid, "cam-b", "screen")
		var wg sync.WaitGroup
		rem := make([]int, 2)
		errs := make([]error, 2)
		for j, cam := range []string{"cam-a", "cam-b"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rem[j], errs[j] = db.EndPart(ctx, sid, cam)
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		if min(rem[0], rem[1]) != 0 || max(rem[0], rem[1]) != 1 {
			t.Fatalf("%s: remaining %v, want one 0 and one 1", sid, rem)
		}
	}
}

// TestTextSearchUsesIndex: a text search is answered by the trigram index
// of each backend, not a scan of every session (the plan of the very
// statement ListSessions runs): pg_trgm's GIN index on PostgreSQL, the
// FTS5 trigram table on SQLite.
func TestTextSearchUsesIndex(t *testing.T) { eachBackend(t, testTextSearchUsesIndex) }

func testTextSearchUsesIndex(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	seedBench(t, db, 5000)
	query, args, _, err := db.listQuery(Query{Text: "Candidate 4242", Limit: 50}, planIndex)
	if err != nil {
		t.Fatal(err)
	}
	explain, want, scan := "EXPLAIN QUERY PLAN ", "sessions_fts VIRTUAL TABLE INDEX", "SCAN s "
	if db.pg {
		explain, want, scan = "EXPLAIN ", "sessions_search", "Seq Scan on sessions"
	}
	rows, err := db.r.QueryContext(ctx, explain+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&plan, *vals[len(vals)-1].(*any))
	}
	if !strings.Contains(plan.String(), want) || strings.Contains(plan.String(), scan) {
		t.Fatalf("text search does not use the trigram index:\n%s", plan.String())
	}
	l, err := db.ListSessions(ctx, Query{Text: "Candidate 4242"})
	if err != nil || len(l.Sessions) != 1 || l.Sessions[0].ID != "exam-004242" {
		t.Fatalf("search %+v, %v", l, err)
	}
}

// TestTextSearchPlans: text searches whose first page lies inside and
// beyond SQLite's scan budget, paged with small and large limits, return
// exactly the matching sessions newest first, on both backends.
func TestTextSearchPlans(t *testing.T) { eachBackend(t, testTextSearchPlans) }

func testTextSearchPlans(t *testing.T) {
	db, _ := openTest(t)
	const n = scanBudget + 1500
	seedBench(t, db, n)
	for _, text := range []string{"Candidate 42", "candidate 7", "COURSE 3", "room 11", "exam-0001", "candidate 5", "nobody", "andidate 1"} {
		var want []string
		for i := n - 1; i >= 0; i-- {
			fields := []string{fmt.Sprintf("exam-%06d", i), "candidate", fmt.Sprintf("Candidate %d", i),
				"course", fmt.Sprintf("Course %d", i%40), "room", fmt.Sprintf("Room %d", i%12)}
			for _, f := range fields {
				if strings.Contains(strings.ToLower(f), strings.ToLower(text)) {
					want = append(want, fields[0])
					break
				}
			}
		}
		for _, limit := range []int{7, MaxLimit} {
			got, _ := listAll(t, db, Query{Text: text, Limit: limit})
			if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("text %q limit %d: %d sessions, want %d", text, limit, len(got), len(want))
			}
		}
	}
}
