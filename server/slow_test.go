package server

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// TestStalledWatcher: one watcher stops reading (and has a tiny receive
// buffer, so the server's writes to it block). The window is small; the
// other watchers still receive every segment in order and are never
// skipped, and the stalled one is skipped or dropped, not waited for.
func TestStalledWatcher(t *testing.T) {
	cl := makeClip(t, "640x480", 4, "frag_every_frame", "-qp", "0") // ~20 KB a frame
	e := startServer(t, func(c *Config) { c.Window = 2 * time.Second; c.WriteTimeout = time.Second })
	p := e.publish(t, "cam1", "")
	p.sendInit(t, 1, cl.init)

	// The stalled watcher: subscribes, then never reads again.
	stalled := e.stalledWatcher(t, "cam1")
	defer stalled.Close()

	const total, readers = 400, 3
	var progress [readers]atomic.Int64
	results := make([]*received, readers)
	var wg sync.WaitGroup
	for i := range readers {
		w := e.watch(t, "cam1")
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &received{}
			for len(r.seqs) < total {
				w.SetReadDeadline(time.Now().Add(30 * time.Second))
				typ, b, err := w.ReadMessage()
				if err != nil {
					break
				}
				if typ == websocket.TextMessage {
					if m, err := proto.DecodeMessage(b); err == nil {
						if s, ok := m.(*proto.Skipped); ok {
							r.skipped = append(r.skipped, *s)
						}
					}
					continue
				}
				if h, _, err := proto.Decode(b); err == nil && h.Kind == proto.KindMedia {
					r.seqs = append(r.seqs, h.Seq)
					progress[i].Store(int64(len(r.seqs)))
				}
			}
			results[i] = r
			progress[i].Store(total) // done (or failed): stop pacing on it
		}()
	}
	// Publishing starts once the server holds every subscription (the
	// stalled watcher's too): a busy server could otherwise start a reader
	// at a later keyframe. Then the publisher is paced on the readers
	// (never more than 10 segments ahead of the slowest), so a skip could
	// only come from the stalled watcher.
	waitFor(t, func() bool { return e.s.hub.Totals().Watchers == readers+1 })
	start := time.Now()
	for seq := 0; seq < total; seq++ {
		for i := range readers {
			for progress[i].Load() < int64(seq-10) {
				time.Sleep(time.Millisecond)
			}
		}
		p.sendSeg(t, uint64(seq), cl.segs[seq%len(cl.segs)])
	}
	wg.Wait()
	elapsed := time.Since(start)
	for i, r := range results {
		if len(r.skipped) > 0 {
			t.Fatalf("reader %d was skipped: %v", i, r.skipped)
		}
		if err := inOrder(r.seqs, 0); err != nil || len(r.seqs) != total {
			t.Fatalf("reader %d got %d segments: %v", i, len(r.seqs), err)
		}
	}
	// The stalled watcher was moved forward or dropped (its writes timed
	// out), never waited for. Its own socket drains slowly through its tiny
	// window, so the server's counters tell.
	waitFor(t, func() bool { return e.s.m.skips.Load()+e.s.m.writeFailures.Load() > 0 })
	t.Logf("published and relayed %d segments in %v; stalled watcher: skips %d, write failures %d",
		total, elapsed, e.s.m.skips.Load(), e.s.m.writeFailures.Load())
}
