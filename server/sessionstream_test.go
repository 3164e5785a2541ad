package server

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// sessionReader reads a session stream and keeps what it got per Sentinel.
type sessionReader struct {
	t        *testing.T
	c        *websocket.Conn
	inits    map[string]int
	first    map[string]proto.Header // first media segment of each Sentinel
	media    map[string]int
	sessions []proto.Session
	events   map[string]proto.SentinelInfo
	err      *proto.Error
}

func (e *env) sessionStream(t *testing.T, sid string) *sessionReader {
	t.Helper()
	c, err := e.dial("/v1/sessions/"+sid+"/stream", e.token(auth.RoleProctor, "proctor1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &sessionReader{t: t, c: c, inits: map[string]int{}, first: map[string]proto.Header{},
		media: map[string]int{}, events: map[string]proto.SentinelInfo{}}
}

// until reads until cond holds; false when the stream ended first.
func (r *sessionReader) until(cond func() bool) bool {
	r.t.Helper()
	r.c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for !cond() {
		typ, b, err := r.c.ReadMessage()
		if err != nil {
			return false
		}
		if typ == websocket.BinaryMessage {
			h, _, err := proto.Decode(b)
			if err != nil {
				r.t.Fatal(err)
			}
			if h.Kind == proto.KindInit {
				r.inits[h.Sentinel]++
				continue
			}
			if r.media[h.Sentinel] == 0 {
				r.first[h.Sentinel] = h
			}
			r.media[h.Sentinel]++
			continue
		}
		m, err := proto.DecodeMessage(b)
		if err != nil {
			r.t.Fatal(err)
		}
		switch m := m.(type) {
		case *proto.SessionEvent:
			r.sessions = append(r.sessions, m.Session)
		case *proto.SentinelEvent:
			r.events[m.ID] = m.SentinelInfo
		case *proto.Error:
			r.err = m
		}
	}
	return true
}

// TestSessionStream: GET /v1/sessions/{sid}/stream sends the session
// first, then init and keyframe GOP of each of its Sentinels and none of
// another session's, adds a Sentinel that joins later, and ends with
// session_closed when the session closes.
func TestSessionStream(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	a := e.publish(t, "cam1", "exam")
	b := e.publish(t, "cam2", "exam")
	other := e.publish(t, "cam9", "other")
	for _, p := range []*pub{a, b, other} {
		p.sendInit(t, 1, cl.init)
		for i := 0; i < 5; i++ {
			p.sendSeg(t, uint64(i), cl.segs[i])
		}
	}
	waitFor(t, func() bool {
		st, ok := e.s.hub.Lookup("cam2")
		return ok && st.Stats().LastSeq == 4
	})

	r := e.sessionStream(t, "exam")
	if !r.until(func() bool { return len(r.sessions) > 0 }) {
		t.Fatal("stream ended before the session object")
	}
	if s := r.sessions[0]; s.ID != "exam" || s.State == proto.SessionClosed || r.media["cam1"]+r.inits["cam1"] > 0 {
		t.Fatalf("first message: session %+v after %d cam1 messages, want the open session first", s, r.media["cam1"])
	}
	if !r.until(func() bool { return r.media["cam1"] > 0 && r.media["cam2"] > 0 }) {
		t.Fatalf("stream ended before media of both Sentinels: %+v", r.err)
	}
	for _, id := range []string{"cam1", "cam2"} {
		if r.inits[id] != 1 || r.first[id].Flags&proto.FlagKeyframe == 0 {
			t.Fatalf("%s: %d inits, first segment %+v, want an init then a keyframe", id, r.inits[id], r.first[id])
		}
	}

	c := e.publish(t, "cam3", "exam")
	c.sendInit(t, 1, cl.init)
	for i := 0; i < 5; i++ {
		c.sendSeg(t, uint64(i), cl.segs[i])
	}
	if !r.until(func() bool { return r.media["cam3"] > 0 && r.events["cam3"].ID == "cam3" }) {
		t.Fatalf("stream ended before the late Sentinel's media: %+v", r.err)
	}
	if r.inits["cam3"] != 1 || r.media["cam9"]+r.inits["cam9"] > 0 || r.events["cam9"].ID != "" {
		t.Fatalf("cam3 inits %d; cam9 (another session) media %d, event %+v", r.inits["cam3"], r.media["cam9"], r.events["cam9"])
	}

	for _, p := range []*pub{a, b, c} {
		p.c.WriteJSON(proto.End{Type: proto.TypeEnd})
	}
	waitFor(t, func() bool {
		s, err := e.s.meta.Session(context.Background(), "exam")
		return err == nil && proto.SessionFinal(s.State)
	})
	if r.until(func() bool { return false }) || r.err == nil || r.err.Code != proto.CodeSessionClosed {
		t.Fatalf("stream of a closed session ended with %+v, want session_closed", r.err)
	}

	// A closed session and an unknown one are refused.
	closed, err := e.dial("/v1/sessions/exam/stream", e.token(auth.RoleProctor, "proctor1"))
	if err != nil {
		t.Fatal(err)
	}
	defer closed.Close()
	expectError(t, closed, proto.CodeSessionClosed)
	unknown, err := e.dial("/v1/sessions/nosuch/stream", e.token(auth.RoleProctor, "proctor1"))
	if err != nil {
		t.Fatal(err)
	}
	defer unknown.Close()
	expectError(t, unknown, proto.CodeNotFound)
}
