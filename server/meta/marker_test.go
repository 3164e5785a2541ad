package meta

import (
	"context"
	"strings"
	"testing"
	"time"

	"proctor/proto"
)

func TestMarkers(t *testing.T) { eachBackend(t, testMarkers) }

func testMarkers(t *testing.T) {
	db, _ := openTest(t)
	db.Now = func() time.Time { return t0.Add(time.Hour) }
	ctx := context.Background()
	mustStart(t, db, "m", nil, t0)
	ok := proto.Marker{Session: "m", Sentinel: "cam-1", Time: t0.Add(time.Minute), Label: "phone", Note: "looks down", Author: "pat"}
	cases := []struct {
		name string
		edit func(*proto.Marker)
		want error
	}{
		{"valid", func(*proto.Marker) {}, nil},
		{"label of 100", func(m *proto.Marker) { m.Label = strings.Repeat("é", 100) }, nil},
		{"note of 2000", func(m *proto.Marker) { m.Note = strings.Repeat("n", 2000) }, nil},
		{"empty note and author", func(m *proto.Marker) { m.Note, m.Author = "", "" }, nil},
		{"empty label", func(m *proto.Marker) { m.Label = "" }, ErrInvalid},
		{"blank label", func(m *proto.Marker) { m.Label = " \t" }, ErrInvalid},
		{"label of 101", func(m *proto.Marker) { m.Label = strings.Repeat("l", 101) }, ErrInvalid},
		{"note of 2001", func(m *proto.Marker) { m.Note = strings.Repeat("n", 2001) }, ErrInvalid},
		{"label not utf-8", func(m *proto.Marker) { m.Label = "\xc3" }, ErrInvalid},
		{"long author", func(m *proto.Marker) { m.Author = strings.Repeat("a", 201) }, ErrInvalid},
		{"no sentinel", func(m *proto.Marker) { m.Sentinel = "" }, ErrInvalid},
		{"bad sentinel", func(m *proto.Marker) { m.Sentinel = "cam 1" }, ErrInvalid},
		{"no time", func(m *proto.Marker) { m.Time = time.Time{} }, ErrInvalid},
		{"unknown session", func(m *proto.Marker) { m.Session = "other" }, ErrNotFound},
		{"bad session", func(m *proto.Marker) { m.Session = "../m" }, ErrNotFound},
	}
	added := 0
	for _, tc := range cases {
		m := ok
		tc.edit(&m)
		got, err := db.AddMarker(ctx, m)
		wantErr(t, tc.name, err, tc.want)
		if err == nil {
			added++
			if got.ID == 0 || !got.Created.Equal(t0.Add(time.Hour)) || got.Label != m.Label {
				t.Fatalf("%s: returned %+v", tc.name, got)
			}
		}
	}
	// Out of time order, and on a closed session: sorted by time on read.
	db.SetState(ctx, "m", proto.SessionClosed, t0.Add(time.Hour))
	for _, d := range []time.Duration{30, 10, 20} {
		m := ok
		m.Time, m.Label = t0.Add(d*time.Second), "t"+d.String()
		if _, err := db.AddMarker(ctx, m); err != nil {
			t.Fatal(err)
		}
		added++
	}
	ms, err := db.Markers(ctx, "m")
	if err != nil || len(ms) != added {
		t.Fatalf("Markers: %d, %v; want %d", len(ms), err, added)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Time.Before(ms[i-1].Time) {
			t.Fatalf("marker %d at %v before %v", i, ms[i].Time, ms[i-1].Time)
		}
	}
	if !ms[0].Time.Equal(t0.Add(10 * time.Second)) {
		t.Fatalf("first marker %+v", ms[0])
	}
	if s, _ := db.Session(ctx, "m"); s.Markers != added {
		t.Fatalf("session counts %d markers, want %d", s.Markers, added)
	}
	_, err = db.Markers(ctx, "nope")
	wantErr(t, "markers of unknown", err, ErrNotFound)
	mustStart(t, db, "empty", nil, t0)
	if ms, err := db.Markers(ctx, "empty"); err != nil || ms == nil || len(ms) != 0 {
		t.Fatalf("no markers: %v, %v; want empty non-nil", ms, err)
	}
}
