package server

import (
	"testing"
	"time"

	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/server/hub"
)

// TestLongGOPAsksForKeyframe: a Sentinel whose GOP outgrows half the live
// ring's bound (issue 10 defect 3: an infinite GOP) is asked for a
// keyframe without any watcher asking, so the ring gets a new start
// before the bound drops the old one.
func TestLongGOPAsksForKeyframe(t *testing.T) {
	cl := splitClip(t, testmedia.Encode(t, testmedia.Options{Size: "1280x720", FPS: 10, GOP: 20, Seconds: 4,
		Movflags: "frag_every_frame",
		Extra:    []string{"-preset", "ultrafast", "-b:v", "8M", "-minrate", "8M", "-maxrate", "8M", "-bufsize", "2M"}}))
	var delta []clipSeg
	for _, s := range cl.segs {
		if !s.key {
			delta = append(delta, s)
		}
	}
	e := startServer(t, func(c *Config) { c.Window = time.Hour })
	p := e.publish(t, "cam1", "longgop")
	asked := make(chan struct{})
	go func() {
		for {
			m, err := readJSON(p.c)
			if err != nil {
				return
			}
			if _, ok := m.(*proto.Keyframe); ok {
				close(asked)
				return
			}
		}
	}()
	p.sendInit(t, 1, cl.init)
	p.sendSeg(t, 0, cl.segs[0])
	var sent int64
	seq := uint64(1)
	for ; sent < hub.DefaultMaxBytes*3/4; seq++ {
		s := delta[int(seq)%len(delta)]
		p.sendSeg(t, seq, s)
		sent += int64(len(s.payload))
	}
	select {
	case <-asked:
	case <-time.After(10 * time.Second):
		t.Fatalf("no keyframe request after %d segments (%d bytes) of one GOP; ring bound %d", seq, sent, hub.DefaultMaxBytes)
	}
}
