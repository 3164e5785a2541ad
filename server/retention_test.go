package server

import (
	"testing"
	"time"
)

// TestNextSurvivesRetention: size retention may remove a Sentinel's whole
// stored stream while it is away; the sequence it resumes at still comes
// after everything it ever sent, so no number means two segments.
func TestNextSurvivesRetention(t *testing.T) {
	e := startServer(t, func(c *Config) {
		c.Store.MaxBytes = 1
		c.Store.RetainEvery = 20 * time.Millisecond
	})
	cl := lowLatencyClip(t)
	p := e.publish(t, "cam1", "retained")
	p.sendInit(t, 1, cl.init)
	for i := range 10 {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	waitFor(t, func() bool { st, ok := e.s.hub.Lookup("cam1"); return ok && st.Stats().LastSeq == 9 })
	p.c.Close()
	waitFor(t, func() bool { _, _, ok := e.s.store.Last("cam1"); return !ok })
	again := e.publish(t, "cam1", "retained")
	if again.welcome.Next != 10 {
		t.Fatalf("welcome.next after retention = %d, want 10", again.welcome.Next)
	}
}
