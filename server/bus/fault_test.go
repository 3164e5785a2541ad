package bus

import (
	"context"
	"sync"
	"testing"
	"time"

	"proctor/internal/testredis"
)

// TestRedisKilledAndRestartedWriterAndReaderRecover: SIGKILL redis-server
// mid-stream, keep publishing, restart it on the same port: both sides see
// the outage (counted, state reported once each way) and live delivery
// resumes without recreating anything.
func TestRedisKilledAndRestartedWriterAndReaderRecover(t *testing.T) {
	srv := testredis.Start(t)
	w, err := NewWriter(client(t, srv), WriterConfig{Timeout: 500 * time.Millisecond}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var mu sync.Mutex
	var states []bool
	r := NewReader(client(t, srv), "edge1", ReaderConfig{Block: 200 * time.Millisecond, OnState: func(up bool) {
		mu.Lock()
		states = append(states, up)
		mu.Unlock()
	}}, quietLog())
	defer r.Close()

	w.Publish(initSeg("cam1", 1))
	var c collector
	if err := r.Watch(context.Background(), "cam1", c.add); err != nil {
		t.Fatal(err)
	}
	for seq := uint64(0); seq < 10; seq++ {
		w.Publish(media("cam1", seq, 5))
	}
	waitFor(t, 5*time.Second, "seq 9 before the kill", func() bool { return lastSeq(c.snapshot()) == 9 })

	pid := srv.Pid()
	srv.Kill()
	if err := client(t, srv).Ping(context.Background()).Err(); err == nil {
		t.Fatalf("redis-server pid %d still answers after SIGKILL", pid)
	}
	for seq := uint64(10); seq < 20; seq++ {
		w.Publish(media("cam1", seq, 5))
		time.Sleep(20 * time.Millisecond)
	}
	waitFor(t, 5*time.Second, "writer down", func() bool { return !w.Stats().Up })
	waitFor(t, 5*time.Second, "reader down", func() bool { return !r.Stats().Up })

	srv.Start() // empty: persistence is off, as recommended for the live window
	next := uint64(20)
	waitFor(t, 10*time.Second, "writer up again", func() bool {
		w.Publish(media("cam1", next, 5))
		next++
		time.Sleep(20 * time.Millisecond)
		return w.Stats().Up
	})
	end := next + 10
	for ; next < end; next++ {
		w.Publish(media("cam1", next, 5))
	}
	waitFor(t, 10*time.Second, "the last seq after the restart", func() bool { return lastSeq(c.snapshot()) == int64(end-1) })
	if st := w.Stats(); st.Failed+st.Dropped == 0 {
		t.Fatalf("writer stats %+v: the outage was not counted", st)
	}
	if st := r.Stats(); st.Errors == 0 || !st.Up {
		t.Fatalf("reader stats %+v", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(states) != 2 || states[0] || !states[1] {
		t.Fatalf("reader reported states %v, want [false true]", states)
	}
	// After the restart every entry delivered is in order, none twice.
	prev := int64(-1)
	for _, e := range c.snapshot()[1:] {
		if int64(e.Seq) <= prev {
			t.Fatalf("seq %d after %d", e.Seq, prev)
		}
		prev = int64(e.Seq)
	}
}
