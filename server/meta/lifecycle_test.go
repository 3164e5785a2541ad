package meta

import (
	"context"
	"fmt"
	"testing"
	"time"

	"proctor/proto"
)

func TestLifecycle(t *testing.T) { eachBackend(t, testLifecycle) }

func testLifecycle(t *testing.T) {
	const (
		W = proto.SessionWaiting
		O = proto.SessionOpen
		C = proto.SessionClosed
		T = proto.SessionTruncated
		A = proto.SessionAbandoned
	)
	cases := []struct {
		name  string
		steps []string // states set in order after the start (waiting)
		want  error    // error of the last step
		final string   // state afterwards
	}{
		{"waiting to open", []string{O}, nil, O},
		{"open to closed", []string{O, C}, nil, C},
		{"open to truncated", []string{O, T}, nil, T},
		{"open to abandoned", []string{O, A}, nil, A},
		{"waiting to closed", []string{C}, nil, C},
		{"waiting to truncated", []string{T}, nil, T},
		{"waiting to abandoned", []string{A}, nil, A},
		{"waiting to waiting is a no-op", []string{W}, nil, W},
		{"open to open is a no-op", []string{O, O}, nil, O},
		{"closed to closed is a no-op", []string{C, C}, nil, C},
		{"abandoned to abandoned is a no-op", []string{A, A}, nil, A},
		{"open back to waiting", []string{O, W}, ErrTransition, O},
		{"closed reopened", []string{O, C, O}, ErrFinal, C},
		{"closed to waiting", []string{C, W}, ErrFinal, C},
		{"closed to truncated", []string{O, C, T}, ErrFinal, C},
		{"truncated to closed", []string{T, C}, ErrFinal, T},
		{"abandoned to open", []string{O, A, O}, ErrFinal, A},
		{"abandoned to closed", []string{A, C}, ErrFinal, A},
		{"unknown state", []string{"paused"}, ErrInvalid, W},
	}
	db, _ := openTest(t)
	ctx := context.Background()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sid := fmt.Sprintf("life-%d", i)
			mustStart(t, db, sid, nil, t0)
			var err error
			for j, st := range tc.steps {
				err = db.SetState(ctx, sid, st, t0.Add(time.Duration(j+1)*time.Second))
				if j < len(tc.steps)-1 && err != nil {
					t.Fatalf("step %d (%s): %v", j, st, err)
				}
			}
			wantErr(t, "last step", err, tc.want)
			s, err := db.Session(ctx, sid)
			if err != nil {
				t.Fatal(err)
			}
			if s.State != tc.final {
				t.Fatalf("state %s, want %s", s.State, tc.final)
			}
			if (s.End != nil) != proto.SessionFinal(tc.final) {
				t.Fatalf("end %v for state %s", s.End, s.State)
			}
			// The history holds the creation plus every real change, chained.
			h, err := db.StateHistory(ctx, sid)
			if err != nil {
				t.Fatal(err)
			}
			if h[0].From != "" || h[0].To != W || !h[0].Time.Equal(t0) || h[0].Reason != "started" {
				t.Fatalf("first history entry %+v", h[0])
			}
			for k := 1; k < len(h); k++ {
				if h[k].From != h[k-1].To || h[k].From == h[k].To || h[k].Reason == "" {
					t.Fatalf("history %d: %+v after %+v", k, h[k], h[k-1])
				}
			}
			if last := h[len(h)-1].To; last != tc.final {
				t.Fatalf("history ends in %s, want %s", last, tc.final)
			}
		})
	}
}

func TestStartSession(t *testing.T) { eachBackend(t, testStartSession) }

func testStartSession(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	s, err := db.StartSession(ctx, "exam-1", "", map[string]string{"candidate": "Ada"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.State != proto.SessionWaiting || s.Type != DefaultType || !s.Start.Equal(t0) || s.Quality != 1 ||
		s.Details["candidate"] != "Ada" || len(s.Sentinels) != 0 || s.End != nil {
		t.Fatalf("new session %+v", s)
	}
	// Existing and live: returned unchanged (details and start kept).
	db.SetState(ctx, "exam-1", proto.SessionOpen, t0.Add(time.Second))
	s, err = db.StartSession(ctx, "exam-1", "other", map[string]string{"x": "y"}, t0.Add(time.Minute))
	if err != nil || s.State != proto.SessionOpen || !s.Start.Equal(t0) || s.Type != DefaultType || len(s.Details) != 1 {
		t.Fatalf("restart live: %+v, %v", s, err)
	}
	// Closed: never again.
	db.SetState(ctx, "exam-1", proto.SessionClosed, t0.Add(2*time.Second))
	_, err = db.StartSession(ctx, "exam-1", "", nil, t0.Add(time.Hour))
	wantErr(t, "restart closed", err, ErrFinal)

	bad := []struct{ name, id, typ string }{
		{"empty id", "", ""},
		{"dots", "../x", ""},
		{"space", "a b", ""},
		{"unicode", "exäm", ""},
		{"65 chars", fmt.Sprintf("%065d", 0), ""},
		{"long type", "ok", "abcdefghijklmnopqrstuvwxyz0123456"},
	}
	for _, b := range bad {
		_, err := db.StartSession(ctx, b.id, b.typ, nil, t0)
		wantErr(t, b.name, err, ErrInvalid)
	}
	many := map[string]string{}
	for i := range proto.MaxDetails + 1 {
		many[fmt.Sprint(i)] = "v"
	}
	_, err = db.StartSession(ctx, "many", "", many, t0)
	wantErr(t, "too many details", err, ErrInvalid)
	_, err = db.Session(ctx, "many")
	wantErr(t, "session after refused start", err, ErrNotFound)
}
