package server

import (
	"testing"
	"time"
)

// TestShutdownIdleSeedReceiver: a seed receiver waiting on a channel that
// has no publisher must not hold the graceful shutdown past its timeout
// (issue 10, defect 1: it hung forever).
func TestShutdownIdleSeedReceiver(t *testing.T) {
	e := startServer(t, func(c *Config) { c.ShutdownTimeout = time.Second })
	for _, kind := range []string{seedReceive, seedReceiveNew, seedProbe} {
		c := e.seedDial(t, "idle", e.signer.StreamKey("idle"), kind)
		defer c.Close()
	}
	time.Sleep(100 * time.Millisecond) // the receivers are waiting
	start := time.Now()
	done := make(chan struct{})
	go func() {
		e.stop(t)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown still running 5 s after it began (timeout 1 s)")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("shutdown took %v with a 1 s timeout", d)
	}
}
