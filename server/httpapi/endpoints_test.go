package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

func TestSentinels(t *testing.T) {
	e := newEnv(t)
	e.live.list = []proto.SentinelInfo{
		{ID: "scr", Session: "exam1", State: proto.SentinelLive, Width: 1280, Height: 720},
		{ID: "cam", Session: "exam1", State: proto.SentinelStalled, LastSequence: 11},
	}
	var got proto.Sentinels
	e.getJSON("/v1/sentinels", &got)
	if got.Type != proto.TypeSentinels || len(got.Sentinels) != 2 {
		t.Fatalf("got %+v", got)
	}
	if got.Sentinels[0].ID != "cam" || got.Sentinels[1].ID != "scr" || got.Sentinels[1].Width != 1280 {
		t.Fatalf("not the list sorted by id: %+v", got.Sentinels)
	}
	// Without a hub the list is empty, not null.
	e.live.list = nil
	resp, b := e.do("GET", "/v1/sentinels", e.token(auth.RoleProctor, "p"), nil)
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"sentinels":[]`)) {
		t.Fatalf("empty list: %d %s", resp.StatusCode, b)
	}
}

func TestSessions(t *testing.T) {
	e := newEnv(t)
	e.fixture()
	ids := func(l proto.SessionList) string {
		var s []string
		for _, x := range l.Sessions {
			s = append(s, x.ID)
		}
		return strings.Join(s, ",")
	}
	tests := []struct{ name, query, want string }{
		{"all newest first", "", "gappy,exam1,old2,old1"},
		{"closed", "state=closed", "old2,old1"},
		{"waiting", "state=waiting", "gappy,exam1"},
		{"by sentinel", "sentinel=cam", "exam1,old2"},
		{"text in details", "q=alice", "exam1"},
		{"time range", "from=2026-11-20T00:00:00Z&to=2026-11-20T12:00:00.5Z", "old1"},
		{"nothing", "q=zed", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var l proto.SessionList
			e.getJSON("/v1/sessions?"+tc.query, &l)
			if got := ids(l); got != tc.want {
				t.Fatalf("sessions %q, want %q", got, tc.want)
			}
		})
	}
	// Pages of 3 then 1, following the cursor.
	var p1, p2 proto.SessionList
	e.getJSON("/v1/sessions?limit=3", &p1)
	if ids(p1) != "gappy,exam1,old2" || p1.NextCursor == "" {
		t.Fatalf("page 1: %q cursor %q", ids(p1), p1.NextCursor)
	}
	e.getJSON("/v1/sessions?limit=3&cursor="+p1.NextCursor, &p2)
	if ids(p2) != "old1" || p2.NextCursor != "" {
		t.Fatalf("page 2: %q cursor %q", ids(p2), p2.NextCursor)
	}
	var s proto.Session
	e.getJSON("/v1/sessions/exam1", &s)
	if s.ID != "exam1" || s.State != proto.SessionWaiting || s.Details["candidate"] != "alice" ||
		strings.Join(s.Sentinels, ",") != "cam,scr" || !s.Start.Equal(t0) {
		t.Fatalf("session: %+v", s)
	}
}

func TestMarkers(t *testing.T) {
	e := newEnv(t)
	e.fixture()
	post := func(tok, body string) proto.Marker {
		t.Helper()
		resp, b := e.do("POST", "/v1/sessions/exam1/markers", tok, strings.NewReader(body))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST marker: %d %s", resp.StatusCode, b)
		}
		var m proto.Marker
		e.decode(b, &m)
		return m
	}
	m1 := post(e.token(auth.RoleReviewer, "rita"),
		`{"sentinel":"cam","time":"2026-11-22T10:00:03.25Z","label":"phone","note":"looks down","id":77,"created":"2000-01-01T00:00:00Z"}`)
	m2 := post(e.token(auth.RoleProctor, "pat"),
		`{"session":"exam1","sentinel":"scr","time":"2026-11-22T10:00:01Z","label":"tab switch","author":"pat"}`)
	if m1.ID == 0 || m1.ID == 77 || m1.Author != "rita" || m1.Session != "exam1" || !m1.Created.Equal(e.now) {
		t.Fatalf("marker 1: %+v", m1)
	}
	if m2.Author != "pat" {
		t.Fatalf("marker 2 author %q", m2.Author)
	}
	var l proto.MarkerList
	e.getJSON("/v1/sessions/exam1/markers", &l)
	if len(l.Markers) != 2 || l.Markers[0].ID != m2.ID || l.Markers[1].Label != "phone" ||
		!l.Markers[1].Time.Equal(t0.Add(3250*time.Millisecond)) {
		t.Fatalf("markers: %+v", l.Markers)
	}
	if len(e.live.markers) != 2 || e.live.markers[0].ID != m1.ID || e.live.markers[1].ID != m2.ID {
		t.Fatalf("hub told %+v", e.live.markers)
	}
	var empty proto.MarkerList
	e.getJSON("/v1/sessions/gappy/markers", &empty)
	if empty.Markers == nil || len(empty.Markers) != 0 {
		t.Fatalf("gappy markers: %+v", empty)
	}
}

func TestSegmentList(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	var l proto.SegmentList
	e.getJSON("/v1/sessions/exam1/sentinels/cam/segments", &l)
	if l.Session != "exam1" || l.Sentinel != "cam" || len(l.Segments) != 16 {
		t.Fatalf("list of %d segments: %+v", len(l.Segments), l)
	}
	for i, s := range l.Segments {
		rec := append(f.gen1, f.gen2...)[i]
		want := proto.Segment{Sequence: uint64(i), Start: time.UnixMicro(rec.Time).UTC(), Duration: 500,
			DurationUS: 500000, Size: rec.Size, Keyframe: i%2 == 0, Generation: 1}
		if i >= 12 {
			want.Generation = 2
		}
		if s != want {
			t.Fatalf("segment %d: %+v, want %+v", i, s, want)
		}
	}
	// Segments overlapping [1.2 s, 2.0 s]: 2 (1.0-1.5), 3 (1.5-2.0), 4 (starts at 2.0).
	e.getJSON("/v1/sessions/exam1/sentinels/cam/segments?from=2026-11-22T10:00:01.2Z&to=2026-11-22T10:00:02Z", &l)
	if got := seqs(l); got != "2,3,4" {
		t.Fatalf("range: %s", got)
	}
	e.getJSON("/v1/sessions/exam1/sentinels/cam/segments?from=2026-11-22T10:00:07.6Z", &l)
	if got := seqs(l); got != "15" {
		t.Fatalf("open-ended range: %s", got)
	}
	// An attached Sentinel that has stored nothing has an empty list.
	e.getJSON("/v1/sessions/exam1/sentinels/scr/segments", &l)
	if l.Segments == nil || len(l.Segments) != 0 {
		t.Fatalf("scr: %+v", l)
	}
	e.getJSON("/v1/sessions/gappy/sentinels/lossy/segments", &l)
	if got := seqs(l); got != "0,1,2,3,5,6,7,8,9,10,11" {
		t.Fatalf("gappy: %s", got)
	}
}

func seqs(l proto.SegmentList) string {
	var s []string
	for _, x := range l.Segments {
		s = append(s, fmt.Sprint(x.Sequence))
	}
	return strings.Join(s, ",")
}
