package meta

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"proctor/proto"
)

// fixture is what the test knows about a session it made, to compute the
// expected answer of a query independently of the SQL.
type fixture struct {
	id       string
	start    time.Time
	end      *time.Time
	state    string
	sentinel string
	details  map[string]string
}

// seedList makes n sessions, three per start minute (ties broken by id),
// with states, Sentinels and details that the filters can tell apart.
func seedList(t testing.TB, db *DB, n int) []fixture {
	t.Helper()
	ctx := context.Background()
	states := []string{proto.SessionWaiting, proto.SessionOpen, proto.SessionClosed, proto.SessionTruncated, proto.SessionAbandoned}
	var fs []fixture
	for i := range n {
		f := fixture{
			id:       fmt.Sprintf("sess-%04d", i),
			start:    t0.Add(time.Duration(i/3) * time.Minute),
			state:    states[i%len(states)],
			sentinel: fmt.Sprintf("cam-%d", i%4),
			details:  map[string]string{"candidate": fmt.Sprintf("Candidate %d", i), "room": fmt.Sprintf("R%d", i%7)},
		}
		switch {
		case i%10 == 0:
			f.details["score"] = "100%"
		case i%10 == 1:
			f.details["score"] = "1000"
		}
		switch {
		case i%6 == 0:
			f.details["file"] = "a_b.mp4"
		case i%6 == 1:
			f.details["file"] = "axb.mp4"
		}
		if i%9 == 0 {
			f.details[`back\slash`] = "Ada Lovelace"
		}
		mustStart(t, db, f.id, f.details, f.start)
		if err := db.AttachSentinel(ctx, f.id, f.sentinel, "test"); err != nil {
			t.Fatal(err)
		}
		if f.state != proto.SessionWaiting {
			if err := db.SetState(ctx, f.id, proto.SessionOpen, f.start); err != nil {
				t.Fatal(err)
			}
		}
		if proto.SessionFinal(f.state) {
			end := f.start.Add(10 * time.Minute)
			f.end = &end
			if err := db.SetState(ctx, f.id, f.state, end); err != nil {
				t.Fatal(err)
			}
		}
		fs = append(fs, f)
	}
	return fs
}

// expect filters and orders the fixtures as ListSessions should.
func expect(fs []fixture, q Query) []string {
	var out []fixture
	for _, f := range fs {
		if q.State != "" && f.state != q.State || q.Sentinel != "" && f.sentinel != q.Sentinel {
			continue
		}
		if !q.To.IsZero() && f.start.After(q.To) || !q.From.IsZero() && f.end != nil && f.end.Before(q.From) {
			continue
		}
		if q.Text != "" {
			needle, hit := strings.ToLower(q.Text), strings.Contains(strings.ToLower(f.id), strings.ToLower(q.Text))
			for k, v := range f.details {
				hit = hit || strings.Contains(strings.ToLower(k), needle) || strings.Contains(strings.ToLower(v), needle)
			}
			if !hit {
				continue
			}
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b fixture) int {
		if c := b.start.Compare(a.start); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
	ids := make([]string, len(out))
	for i, f := range out {
		ids[i] = f.id
	}
	return ids
}

// listAll pages through q and returns the ids in order, failing on a
// duplicate.
func listAll(t *testing.T, db *DB, q Query) (ids []string, pages int) {
	t.Helper()
	seen := map[string]bool{}
	for {
		page, err := db.ListSessions(context.Background(), q)
		if err != nil {
			t.Fatalf("ListSessions(%+v): %v", q, err)
		}
		pages++
		if len(page.Sessions) > max(q.Limit, 0) && q.Limit > 0 {
			t.Fatalf("page of %d, limit %d", len(page.Sessions), q.Limit)
		}
		for _, s := range page.Sessions {
			if seen[s.ID] {
				t.Fatalf("duplicate %s on page %d", s.ID, pages)
			}
			seen[s.ID] = true
			ids = append(ids, s.ID)
		}
		if page.NextCursor == "" {
			return ids, pages
		}
		q.Cursor = page.NextCursor
	}
}

func TestListSessions(t *testing.T) { eachBackend(t, testListSessions) }

func testListSessions(t *testing.T) {
	db, _ := openTest(t)
	fs := seedList(t, db, 160)
	mid := t0.Add(30 * time.Minute)
	cases := []struct {
		name string
		q    Query
	}{
		{"all", Query{}},
		{"open", Query{State: proto.SessionOpen}},
		{"abandoned", Query{State: proto.SessionAbandoned}},
		{"sentinel", Query{Sentinel: "cam-2"}},
		{"unknown sentinel", Query{Sentinel: "nobody"}},
		{"text in value, any case", Query{Text: "candidate 1"}},
		{"text in key", Query{Text: "SCORE"}},
		{"text in id", Query{Text: "sess-001"}},
		{"percent is literal", Query{Text: "100%"}},
		{"lone percent", Query{Text: "%"}},
		{"underscore is literal", Query{Text: "a_b"}},
		{"lone underscore", Query{Text: "_"}},
		{"backslash is literal", Query{Text: `k\s`}},
		{"from", Query{From: mid}},
		{"to", Query{To: mid}},
		{"from-to", Query{From: mid, To: mid.Add(5 * time.Minute)}},
		{"everything", Query{State: proto.SessionClosed, Sentinel: "cam-0", Text: "candidate", From: t0.Add(10 * time.Minute), To: mid}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := expect(fs, tc.q)
			if tc.name != "unknown sentinel" && len(want) == 0 {
				t.Fatalf("fixture matches nothing for %+v: the case tests nothing", tc.q)
			}
			limits := []int{0, 9, 1000}
			if tc.name == "all" || tc.name == "everything" {
				limits = append(limits, 1) // every session its own page
			}
			for _, limit := range limits {
				q := tc.q
				q.Limit = limit
				got, pages := listAll(t, db, q)
				if !slices.Equal(got, want) {
					t.Fatalf("limit %d: got %d sessions %v\nwant %d %v", limit, len(got), got, len(want), want)
				}
				per := map[int]int{0: DefaultLimit, 1000: MaxLimit}[limit]
				if per == 0 {
					per = limit
				}
				if wantPages := max(1, (len(want)+per-1)/per); pages != wantPages {
					t.Fatalf("limit %d: %d pages, want %d", limit, pages, wantPages)
				}
			}
		})
	}
}

// TestListSessionsConcurrentStarts: sessions started while a client pages
// through the list do not shift the pages it has not read yet.
func TestListSessionsConcurrentStarts(t *testing.T) { eachBackend(t, testListSessionsConcurrentStarts) }

func testListSessionsConcurrentStarts(t *testing.T) {
	db, _ := openTest(t)
	fs := seedList(t, db, 60)
	want := expect(fs, Query{})
	var got []string
	q := Query{Limit: 8}
	for i := 0; ; i++ {
		page, err := db.ListSessions(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Sessions {
			got = append(got, s.ID)
		}
		mustStart(t, db, fmt.Sprintf("new-%d", i), nil, t0.Add(time.Hour+time.Duration(i)*time.Second))
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}

func TestListSessionsInvalid(t *testing.T) { eachBackend(t, testListSessionsInvalid) }

func testListSessionsInvalid(t *testing.T) {
	db, _ := openTest(t)
	seedList(t, db, 3)
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		name string
		q    Query
	}{
		{"cursor not base64", Query{Cursor: "!!!"}},
		{"cursor without dot", Query{Cursor: b64("12345")}},
		{"cursor bad time", Query{Cursor: b64("x.sess-1")}},
		{"cursor bad id", Query{Cursor: b64("1.a b")}},
		{"cursor empty id", Query{Cursor: b64("1.")}},
		{"unknown state", Query{State: "paused"}},
		{"bad sentinel", Query{Sentinel: "../etc"}},
		{"negative limit", Query{Limit: -1}},
		{"from after to", Query{From: t0.Add(time.Hour), To: t0}},
		{"text not utf-8", Query{Text: "\xff"}},
		{"text with the separator", Query{Text: "a\x1fb"}},
		{"text with NUL", Query{Text: "\x00"}},
	}
	for _, tc := range cases {
		_, err := db.ListSessions(context.Background(), tc.q)
		wantErr(t, tc.name, err, ErrInvalid)
	}
}
