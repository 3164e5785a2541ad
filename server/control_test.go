package server

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// nextControl reads the next control message a Sentinel gets.
func nextControl(t *testing.T, c *websocket.Conn) any {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	m, err := readJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func expectFPS(t *testing.T, c *websocket.Conn, want float64) {
	t.Helper()
	m := nextControl(t, c)
	f, ok := m.(*proto.FPS)
	if !ok || f.FPS != want {
		t.Fatalf("control %#v, want fps %v", m, want)
	}
}

// TestControlForwarding: keyframe requests reach the Sentinel; fps is the
// highest current request, and 0 (the Sentinel's own rate) when requests
// are withdrawn or their watchers leave.
func TestControlForwarding(t *testing.T) {
	e := startServer(t, nil)
	p := e.publish(t, "cam1", "")
	w1 := e.watch(t, "cam1")
	w2 := e.watch(t, "cam1")

	w1.WriteJSON(proto.Keyframe{Type: proto.TypeKeyframe, Sentinel: "cam1"})
	if m, ok := nextControl(t, p.c).(*proto.Keyframe); !ok {
		t.Fatalf("got %#v, want keyframe", m)
	}
	w1.WriteJSON(proto.FPS{Type: proto.TypeFPS, Sentinel: "cam1", FPS: 15})
	expectFPS(t, p.c, 15)
	w2.WriteJSON(proto.FPS{Type: proto.TypeFPS, Sentinel: "cam1", FPS: 30})
	expectFPS(t, p.c, 30)
	w2.WriteJSON(proto.FPS{Type: proto.TypeFPS, Sentinel: "cam1", FPS: 0})
	expectFPS(t, p.c, 15)
	w2.WriteJSON(proto.FPS{Type: proto.TypeFPS, Sentinel: "cam1", FPS: 25})
	expectFPS(t, p.c, 25)
	w2.Close() // leaving withdraws its request
	expectFPS(t, p.c, 15)
	w1.WriteJSON(proto.Unsubscribe{Type: proto.TypeUnsubscribe, Sentinels: []string{"cam1"}})
	expectFPS(t, p.c, 0)
}

// TestSentinelEvents: watchers get the list on connect and an event when a
// Sentinel comes and goes.
func TestSentinelEvents(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, nil)
	w := e.watch(t)
	p := e.publish(t, "cam1", "ev")
	p.sendInit(t, 1, cl.init)
	next := func(state string) proto.SentinelEvent {
		t.Helper()
		w.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			m, err := readJSON(w)
			if err != nil {
				t.Fatal(err)
			}
			if ev, ok := m.(*proto.SentinelEvent); ok && ev.ID == "cam1" && ev.State == state {
				return *ev
			}
		}
	}
	ev := next(proto.SentinelLive)
	if ev.Session != "ev" || ev.Source != proto.SourceTest {
		t.Fatalf("event %+v", ev)
	}
	p.sendSeg(t, 0, cl.segs[0])
	p.c.Close()
	ev = next(proto.SentinelOffline)
	if ev.LastSequence != 0 || ev.Width != 320 || ev.Height != 240 || ev.Codec == "" {
		t.Fatalf("offline event %+v", ev)
	}
}
