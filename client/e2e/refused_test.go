package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
)

// publish runs a publisher of one clip segment until End and returns its
// session.
func publishOnce(t *testing.T, ctx context.Context, cfg client.Config, hello proto.Hello, c *clip) string {
	t.Helper()
	p := client.NewPublisher(cfg, hello, client.PublishOptions{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	p.Init(1, c.init)
	p.Segment(c.segs[0])
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return p.Stats().Session
}

func TestRefused(t *testing.T) {
	ctx := testCtx(t)
	e := startServer(t)
	c := makeClip(t, 1, 10)
	closed := publishOnce(t, ctx, e.config(auth.RoleSentinel, "cam-9"), proto.Hello{Sentinel: "cam-9"}, c)

	other := e.config(auth.RoleSentinel, "cam-1")
	other.Token = "garbage.token"
	tests := []struct {
		name  string
		cfg   client.Config
		hello proto.Hello
		want  error
	}{
		{"bad token", other, proto.Hello{Sentinel: "cam-1"}, client.ErrUnauthorized},
		{"another sentinel's id", e.config(auth.RoleSentinel, "cam-2"), proto.Hello{Sentinel: "cam-1"}, client.ErrForbidden},
		{"proctor publishing", e.config(auth.RoleProctor, "p1"), proto.Hello{Sentinel: "cam-1"}, client.ErrForbidden},
		{"closed session", e.config(auth.RoleSentinel, "cam-9"), proto.Hello{Sentinel: "cam-9", Session: closed}, client.ErrSessionClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := client.NewPublisher(tc.cfg, tc.hello, client.PublishOptions{})
			p.Init(1, c.init)
			err := p.Run(ctx)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Run = %v, want %v", err, tc.want)
			}
		})
	}

	t.Run("reviewer watching", func(t *testing.T) {
		w := client.NewWatcher(e.config(auth.RoleReviewer, "r1"))
		if err := w.Run(ctx); !errors.Is(err, client.ErrForbidden) {
			t.Fatalf("Run = %v, want ErrForbidden", err)
		}
	})
	t.Run("history", func(t *testing.T) {
		h := client.NewHistory(e.config(auth.RoleReviewer, "r1"))
		if _, err := h.Health(ctx); err != nil {
			t.Errorf("Health: %v", err)
		}
		if _, err := h.Session(ctx, "nope"); !errors.Is(err, client.ErrNotFound) {
			t.Errorf("unknown session: %v", err)
		}
		if _, err := h.Segment(ctx, closed, "cam-9", 999); !errors.Is(err, client.ErrNotFound) {
			t.Errorf("unknown segment: %v", err)
		}
		anon := e.config(auth.RoleReviewer, "r1")
		anon.Token = ""
		if _, err := client.NewHistory(anon).Sessions(ctx, client.Query{}); !errors.Is(err, client.ErrUnauthorized) {
			t.Errorf("no token: %v", err)
		}
		if _, err := client.NewHistory(e.config(auth.RoleSentinel, "cam-9")).Sessions(ctx, client.Query{}); !errors.Is(err, client.ErrForbidden) {
			t.Errorf("sentinel reading history: %v", err)
		}
		l, err := h.Sessions(ctx, client.Query{Sentinel: "cam-9", State: proto.SessionClosed})
		if err != nil || len(l.Sessions) != 1 || l.Sessions[0].ID != closed {
			t.Errorf("Sessions = %+v, %v", l, err)
		}
		m, err := h.AddMarker(ctx, closed, proto.Marker{Sentinel: "cam-9", Time: c.segs[0].Time, Label: "phone"})
		if err != nil || m.ID == 0 {
			t.Fatalf("AddMarker = %+v, %v", m, err)
		}
		ms, err := h.Markers(ctx, closed)
		if err != nil || len(ms) != 1 || ms[0].Label != "phone" {
			t.Errorf("Markers = %+v, %v", ms, err)
		}
	})
}

// TestSecondPublisher: a second publisher for a live id is refused with a
// conflict, keeps retrying, and gets in once the first one ends.
func TestSecondPublisher(t *testing.T) {
	ctx := testCtx(t)
	e := startServer(t)
	c := makeClip(t, 1, 10)
	cfg := e.config(auth.RoleSentinel, "cam-1")
	first := client.NewPublisher(cfg, proto.Hello{Sentinel: "cam-1"}, client.PublishOptions{})
	firstDone := make(chan error, 1)
	go func() { firstDone <- first.Run(ctx) }()
	first.Init(1, c.init)
	first.Segment(c.segs[0])
	for ctx.Err() == nil && !first.Stats().Connected {
		time.Sleep(5 * time.Millisecond)
	}
	second := client.NewPublisher(cfg, proto.Hello{Sentinel: "cam-1"}, client.PublishOptions{})
	secondDone := make(chan error, 1)
	go func() { secondDone <- second.Run(ctx) }()
	second.Init(1, c.init)
	for ctx.Err() == nil && !strings.Contains(second.Stats().LastError, proto.CodeConflict) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := first.End(ctx); err != nil || <-firstDone != nil {
		t.Fatalf("first End: %v", err)
	}
	second.Segment(c.segs[1])
	if err := second.End(ctx); err != nil {
		t.Fatalf("second End: %v", err)
	}
	if err := <-secondDone; err != nil {
		t.Fatal(err)
	}
	if st := second.Stats(); st.Connects != 1 || st.Next != 2 {
		t.Errorf("second publisher %+v: want one connection numbering on from 1", st)
	}
}
