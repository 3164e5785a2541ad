package meta

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"proctor/proto"
)

func TestHeartbeatQuality(t *testing.T) { eachBackend(t, testHeartbeatQuality) }

func testHeartbeatQuality(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	mustStart(t, db, "hb", nil, t0)
	steps := []struct {
		name           string
		at             time.Duration
		p              Progress
		quality        float64
		duration       int64 // ms
		wantHeartbeatD time.Duration
	}{
		{"nothing expected yet", time.Second, Progress{}, 1, 0, time.Second},
		{"all received", 2 * time.Second, Progress{Received: 10, Expected: 10, MediaEnd: t0.Add(2 * time.Second)}, 1, 2000, 2 * time.Second},
		{"a gap of ten", 4 * time.Second, Progress{Received: 0, Expected: 10, MediaEnd: t0.Add(4 * time.Second)}, 0.5, 4000, 4 * time.Second},
		{"media end never goes back", 5 * time.Second, Progress{Received: 20, Expected: 20, MediaEnd: t0.Add(3 * time.Second)}, 0.75, 4000, 5 * time.Second},
		{"zero media end leaves it", 6 * time.Second, Progress{Received: 5, Expected: 0}, 35.0 / 40, 4000, 6 * time.Second},
	}
	for _, st := range steps {
		if err := db.Heartbeat(ctx, "hb", t0.Add(st.at), st.p); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		s, err := db.Session(ctx, "hb")
		if err != nil {
			t.Fatal(err)
		}
		if s.Quality != st.quality || s.Duration != st.duration || !s.Heartbeat.Equal(t0.Add(st.wantHeartbeatD)) {
			t.Fatalf("%s: quality %v duration %d heartbeat %v, want %v %d %v", st.name,
				s.Quality, s.Duration, s.Heartbeat, st.quality, st.duration, t0.Add(st.wantHeartbeatD))
		}
		if s.State != proto.SessionWaiting {
			t.Fatalf("%s: heartbeat changed the state to %s", st.name, s.State)
		}
	}
	// More received than expected (late duplicates counted twice) stays at 1.
	if err := db.Heartbeat(ctx, "hb", t0.Add(7*time.Second), Progress{Received: 100}); err != nil {
		t.Fatal(err)
	}
	if s, _ := db.Session(ctx, "hb"); s.Quality != 1 {
		t.Fatalf("quality %v above 1", s.Quality)
	}
	wantErr(t, "negative", db.Heartbeat(ctx, "hb", t0, Progress{Received: -1}), ErrInvalid)
	wantErr(t, "unknown", db.Heartbeat(ctx, "nope", t0, Progress{}), ErrNotFound)
	db.SetState(ctx, "hb", proto.SessionClosed, t0.Add(8*time.Second))
	wantErr(t, "closed", db.Heartbeat(ctx, "hb", t0.Add(9*time.Second), Progress{Received: 1}), ErrFinal)
	if s, _ := db.Session(ctx, "hb"); !s.Heartbeat.Equal(t0.Add(7 * time.Second)) {
		t.Fatalf("refused heartbeat moved the heartbeat to %v", s.Heartbeat)
	}
}

func TestStale(t *testing.T) { eachBackend(t, testStale) }

func testStale(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for i, id := range []string{"a", "b", "c", "d"} {
		mustStart(t, db, id, nil, t0)
		db.Heartbeat(ctx, id, t0.Add(time.Duration(i)*10*time.Second), Progress{})
	}
	db.SetState(ctx, "b", proto.SessionOpen, t0)
	db.SetState(ctx, "a", proto.SessionClosed, t0) // closed: never stale
	got, err := db.Stale(ctx, t0.Add(25*time.Second))
	if err != nil || !slices.Equal(got, []string{"b", "c"}) {
		t.Fatalf("Stale = %v, %v; want [b c]", got, err)
	}
	// The watchdog abandons them; they are stale no more.
	for _, id := range got {
		if err := db.SetState(ctx, id, proto.SessionAbandoned, t0.Add(25*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ = db.Stale(ctx, t0.Add(25*time.Second))
	if len(got) != 0 {
		t.Fatalf("Stale after abandon = %v", got)
	}
	h, _ := db.StateHistory(ctx, "c")
	if last := h[len(h)-1]; last.To != proto.SessionAbandoned || last.Reason != "no heartbeat" {
		t.Fatalf("last change %+v", last)
	}
}

func TestSentinelsAndDetails(t *testing.T) { eachBackend(t, testSentinelsAndDetails) }

func testSentinelsAndDetails(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	mustStart(t, db, "s1", map[string]string{"a": "1", "b": "2"}, t0)
	for _, att := range [][2]string{{"webcam-1", "webcam"}, {"screen-1", "screen"}, {"webcam-1", "test"}} {
		if err := db.AttachSentinel(ctx, "s1", att[0], att[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetDetails(ctx, "s1", map[string]string{"b": "3", "c": ""}); err != nil {
		t.Fatal(err)
	}
	s, _ := db.Session(ctx, "s1")
	if !slices.Equal(s.Sentinels, []string{"screen-1", "webcam-1"}) {
		t.Fatalf("sentinels %v", s.Sentinels)
	}
	if len(s.Details) != 2 || s.Details["b"] != "3" || s.Details["c"] != "" {
		t.Fatalf("details %v, want replaced set {b:3 c:}", s.Details)
	}
	if got, err := db.ActiveSession(ctx, "webcam-1"); err != nil || got.ID != "s1" {
		t.Fatalf("ActiveSession = %v, %v", got.ID, err)
	}
	wantErr(t, "bad sentinel", db.AttachSentinel(ctx, "s1", "a/b", "x"), ErrInvalid)
	wantErr(t, "unknown session", db.AttachSentinel(ctx, "s2", "x", "x"), ErrNotFound)
	wantErr(t, "details unknown", db.SetDetails(ctx, "s2", nil), ErrNotFound)
	big := map[string]string{}
	for i := range proto.MaxDetails + 1 {
		big[fmt.Sprint(i)] = "v"
	}
	wantErr(t, "too many details", db.SetDetails(ctx, "s1", big), ErrInvalid)
	wantErr(t, "empty key", db.SetDetails(ctx, "s1", map[string]string{"": "v"}), ErrInvalid)
	if s, _ := db.Session(ctx, "s1"); len(s.Details) != 2 {
		t.Fatalf("refused SetDetails changed details to %v", s.Details)
	}
	db.SetState(ctx, "s1", proto.SessionClosed, t0)
	wantErr(t, "attach to closed", db.AttachSentinel(ctx, "s1", "late", "x"), ErrFinal)
	_, err := db.ActiveSession(ctx, "webcam-1")
	wantErr(t, "no active", err, ErrNotFound)
	wantErr(t, "details after close", db.SetDetails(ctx, "s1", map[string]string{"grade": "ok"}), nil)
}
