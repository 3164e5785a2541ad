package server

import (
	"testing"
	"time"
)

// TestKeepalive: with a short ping interval, a watcher that reads stays
// connected through idle time and busy streaming (its client answers the
// server's pings), while a watcher that never answers is dropped.
func TestKeepalive(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, func(c *Config) {
		c.PingInterval = 20 * time.Millisecond
		c.WriteTimeout = 100 * time.Millisecond
	})
	reader := e.watch(t, "cam1")
	silent := e.watch(t) // never reads, so never answers a ping
	p := e.publish(t, "cam1", "")
	p.sendInit(t, 1, cl.init)
	deadline := time.Now().Add(time.Second) // many read timeouts (140 ms) long
	seq := 0
	for time.Now().Before(deadline) {
		p.sendSeg(t, uint64(seq), cl.segs[seq%len(cl.segs)])
		got := collect(t, reader, "cam1", 1)
		if got.seqs[0] != uint64(seq) {
			t.Fatalf("got %d, want %d", got.seqs[0], seq)
		}
		seq++
		time.Sleep(10 * time.Millisecond)
	}
	// The silent watcher was dropped by the server; the reader was not.
	waitFor(t, func() bool { return e.s.m.watchers.Load() == 1 })
	silent.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := silent.ReadMessage(); err != nil {
			break
		}
	}
}
