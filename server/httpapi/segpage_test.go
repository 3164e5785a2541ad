package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/store"
)

// TestSegmentListPages: a stream with more segments than the default page
// is listed DefaultSegmentLimit at a time with a next_cursor, and
// following the cursors gives every segment exactly once, in order, also
// with a time range and an explicit limit (an 8 h low-latency session
// listed 864,000 entries in one answer: defect 11).
func TestSegmentListPages(t *testing.T) {
	e := newEnv(t)
	e.session("long", t0, nil, "cam")
	const n = DefaultSegmentLimit*2 + 345
	for seq := range uint64(n) {
		rec := store.Record{Seq: seq, Time: t0.Add(time.Duration(seq) * 40 * time.Millisecond).UnixMicro(),
			Duration: 40_000, Generation: 1}
		if seq%25 == 0 {
			rec.Flags = proto.FlagKeyframe
		}
		if _, err := e.st.Append("long", "cam", rec, []byte{0, 0, 0, 8, 'f', 'r', 'e', 'e'}); err != nil {
			t.Fatal(err)
		}
	}
	base := "/v1/sessions/long/sentinels/cam/segments"
	all := func(q url.Values) (seqs []uint64, pages int) {
		t.Helper()
		for {
			var l proto.SegmentList
			e.getJSON(base+"?"+q.Encode(), &l)
			pages++
			for _, s := range l.Segments {
				seqs = append(seqs, s.Sequence)
			}
			if l.NextCursor == "" {
				return seqs, pages
			}
			if pages > n {
				t.Fatal("cursors do not end")
			}
			q.Set("cursor", l.NextCursor)
		}
	}
	check := func(seqs []uint64, first, last uint64) {
		t.Helper()
		if len(seqs) != int(last-first+1) {
			t.Fatalf("%d segments, want %d..%d", len(seqs), first, last)
		}
		for i, s := range seqs {
			if s != first+uint64(i) {
				t.Fatalf("segment %d is %d, want %d", i, s, first+uint64(i))
			}
		}
	}

	var l proto.SegmentList
	e.getJSON(base, &l)
	if len(l.Segments) != DefaultSegmentLimit || l.NextCursor == "" {
		t.Fatalf("first page: %d segments, next_cursor %q", len(l.Segments), l.NextCursor)
	}
	seqs, pages := all(url.Values{})
	check(seqs, 0, n-1)
	if pages != 3 {
		t.Fatalf("%d pages, want 3", pages)
	}
	seqs, pages = all(url.Values{"limit": {"100"}})
	check(seqs, 0, n-1)
	if pages != (n+99)/100 {
		t.Fatalf("%d pages of 100", pages)
	}
	// Segment 100 starts at 4 s, 300 at 12 s (40 ms each).
	seqs, _ = all(url.Values{"limit": {"7"}, "from": {t0.Add(4020 * time.Millisecond).Format(time.RFC3339Nano)},
		"to": {t0.Add(12 * time.Second).Format(time.RFC3339Nano)}})
	check(seqs, 100, 300)

	tok := e.token(auth.RoleReviewer, "rev")
	for _, q := range []string{"limit=0", fmt.Sprintf("limit=%d", MaxSegmentLimit+1), "limit=x", "cursor=x", "cursor=-1"} {
		resp, b := e.do("GET", base+"?"+q, tok, nil)
		if resp.StatusCode != http.StatusBadRequest || e.errorCode(b) != proto.CodeBadRequest {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, b)
		}
	}
}
