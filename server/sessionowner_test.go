package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

// helloAs connects with token tok and sends hello; it returns the
// connection's first answer.
func (e *env) helloAs(t *testing.T, tok string, hello proto.Hello) (*pub, any) {
	t.Helper()
	c, err := e.dial("/v1/ingest", tok)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	hello.Type = proto.TypeHello
	if err := c.WriteJSON(hello); err != nil {
		t.Fatal(err)
	}
	m, err := readJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	p := &pub{c: c, id: hello.Sentinel}
	if w, ok := m.(*proto.Welcome); ok {
		p.welcome = *w
	}
	return p, m
}

// TestSentinelCannotEndAnothersSession (issue 10, defect 2): while cam-b
// is away, cam-a, with its own valid token, joins cam-b's session exam42,
// rewrites its details and sends end: cam-b's session stays open with its details,
// and cam-b reconnects into it; the session closes when cam-b ends too.
func TestSentinelCannotEndAnothersSession(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	ctx := context.Background()
	b, _ := e.helloAs(t, e.token(auth.RoleSentinel, "cam-b"),
		proto.Hello{Sentinel: "cam-b", Session: "exam42", Details: map[string]string{"candidate": "B"}})
	b.sendInit(t, 1, cl.init)
	b.sendSeg(t, 0, cl.segs[0])
	waitFor(t, func() bool {
		s, err := e.s.meta.Session(ctx, "exam42")
		return err == nil && s.State == proto.SessionOpen
	})

	b.c.Close() // cam-b is away, within the reconnect grace period
	waitFor(t, func() bool { return e.s.live.Lookup("cam-b").Publisher() == nil })

	a, m := e.helloAs(t, e.token(auth.RoleSentinel, "cam-a"),
		proto.Hello{Sentinel: "cam-a", Session: "exam42", Details: map[string]string{"candidate": "A"}})
	if _, ok := m.(*proto.Welcome); !ok {
		t.Fatalf("cam-a joining exam42: %+v", m)
	}
	a.c.WriteJSON(proto.Details{Type: proto.TypeDetails, Details: map[string]string{"candidate": "A2"}})
	a.c.WriteJSON(proto.End{Type: proto.TypeEnd})
	a.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := a.c.ReadMessage(); err != nil {
			break // the server closed cam-a's connection after its end
		}
	}
	s, err := e.s.meta.Session(ctx, "exam42")
	if err != nil || s.State != proto.SessionOpen || s.Details["candidate"] != "B" {
		t.Fatalf("after cam-a's end: %+v, %v; want open with candidate B", s, err)
	}

	b2 := e.publish(t, "cam-b", "exam42")
	if b2.welcome.Session != "exam42" || b2.welcome.Next != 1 {
		t.Fatalf("cam-b's reconnect: %+v", b2.welcome)
	}
	b2.c.WriteJSON(proto.End{Type: proto.TypeEnd})
	waitFor(t, func() bool {
		s, err := e.s.meta.Session(ctx, "exam42")
		return err == nil && s.State == proto.SessionClosed
	})
}

// TestSessionClaim: a token that names sessions joins only those, and a
// hello naming none joins the first one named.
func TestSessionClaim(t *testing.T) {
	e := startServer(t, nil)
	tok := e.signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: "cam-1", Sessions: []string{"exam-1", "exam-2"},
		Expiry: time.Now().Add(time.Hour).Unix()})
	cases := []struct {
		name, session, want string
	}{
		{"names another session", "exam-3", proto.CodeForbidden},
		{"names none", "", "exam-1"},
		{"names the second", "exam-2", "exam-2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, m := e.helloAs(t, tok, proto.Hello{Sentinel: "cam-1", Session: c.session})
			defer p.c.Close()
			switch m := m.(type) {
			case *proto.Error:
				if m.Code != c.want {
					t.Fatalf("error %s (%s), want %s", m.Code, m.Message, c.want)
				}
			case *proto.Welcome:
				if m.Session != c.want {
					t.Fatalf("joined %s, want %s", m.Session, c.want)
				}
			}
			p.c.Close()
			waitFor(t, func() bool { // the id is free again
				sn := e.s.live.Lookup("cam-1")
				return sn == nil || sn.Publisher() == nil
			})
			if strings.HasPrefix(c.want, "exam") {
				if _, ok := m.(*proto.Welcome); !ok {
					t.Fatalf("got %+v, want a welcome into %s", m, c.want)
				}
			}
		})
	}
}
