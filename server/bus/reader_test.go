package bus

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"proctor/internal/testredis"
	"proctor/proto"
)

// checkJoin asserts es is init, then a keyframe, then media sequences
// contiguous up to last: no gap, no duplicate.
func checkJoin(t *testing.T, es []Entry, last uint64) {
	t.Helper()
	if len(es) < 2 || es[0].Kind != proto.KindInit {
		t.Fatalf("delivery does not start with the init segment: %d entries", len(es))
	}
	if !es[1].Keyframe() || es[1].Kind != proto.KindMedia {
		t.Fatalf("first media segment seq %d is not a keyframe", es[1].Seq)
	}
	want := es[1].Seq
	for _, e := range es[1:] {
		if e.Kind != proto.KindMedia {
			t.Fatalf("unexpected %v entry after the join", e.Kind)
		}
		if e.Seq != want {
			t.Fatalf("seq %d after %d: gap or duplicate", e.Seq, want-1)
		}
		if string(e.Data) != string(media(e.Sentinel, e.Seq, 1).Data) {
			t.Fatalf("seq %d carries the wrong bytes", e.Seq)
		}
		want++
	}
	if want != last+1 {
		t.Fatalf("delivery ends at seq %d, want %d", want-1, last)
	}
}

// TestWatchJoinWhileWritingHasNoGapOrDuplicate joins in the middle of 1000
// entries being written: init, the GOP from the latest keyframe, then live,
// with the seam between XRANGE and XREAD exact.
func TestWatchJoinWhileWritingHasNoGapOrDuplicate(t *testing.T) {
	srv := testredis.Start(t)
	w, err := NewWriter(client(t, srv), WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r := NewReader(client(t, srv), "edge1", ReaderConfig{}, quietLog())
	defer r.Close()

	const n = 1000
	w.Publish(initSeg("cam1", 1))
	var written atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for seq := uint64(0); seq < n; seq++ {
			for !w.Publish(media("cam1", seq, 25)) {
				time.Sleep(time.Millisecond)
			}
			written.Store(int64(seq))
			if seq%10 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	waitFor(t, 10*time.Second, "300 written", func() bool { return written.Load() >= 300 })
	var c collector
	if err := r.Watch(context.Background(), "cam1", c.add); err != nil {
		t.Fatal(err)
	}
	<-done
	waitFor(t, 10*time.Second, "the last entry delivered", func() bool { return lastSeq(c.snapshot()) == n-1 })
	time.Sleep(50 * time.Millisecond) // a duplicate after the last would show here
	es := c.snapshot()
	checkJoin(t, es, n-1)
	if es[1].Seq == 0 {
		t.Fatal("joined at seq 0: the join did not start at the latest keyframe")
	}
}

// TestReaderOneXReadForManyStreams follows 50 streams on one reader and
// checks that every stream is delivered completely while the reader holds
// a constant number of connections.
func TestReaderOneXReadForManyStreams(t *testing.T) {
	srv := testredis.Start(t)
	w, err := NewWriter(client(t, srv), WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rdb := client(t, srv)
	r := NewReader(rdb, "edge1", ReaderConfig{}, quietLog())
	defer r.Close()
	const streams, per = 50, 40
	cs := make([]*collector, streams)
	for i := range cs {
		id := fmt.Sprintf("cam%d", i)
		w.Publish(initSeg(id, 1))
		cs[i] = &collector{}
		if err := r.Watch(context.Background(), id, cs[i].add); err != nil {
			t.Fatal(err)
		}
	}
	for seq := uint64(0); seq < per; seq++ {
		for i := range cs {
			for !w.Publish(media(fmt.Sprintf("cam%d", i), seq, 10)) {
				time.Sleep(time.Millisecond)
			}
		}
	}
	for i, c := range cs {
		waitFor(t, 10*time.Second, fmt.Sprintf("cam%d complete", i), func() bool { return lastSeq(c.snapshot()) == per-1 })
		checkJoin(t, c.snapshot(), per-1)
	}
	if n := rdb.PoolStats().TotalConns; n > 2 {
		t.Fatalf("reader holds %d connections for %d streams, want at most 2", n, streams)
	}
	if st := r.Stats(); st.Streams != streams {
		t.Fatalf("stats %+v", st)
	}
}

// TestReaderAddRemoveWhileRunning: an unwatched stream stops delivering,
// and watching again joins afresh at the latest keyframe.
func TestReaderAddRemoveWhileRunning(t *testing.T) {
	srv := testredis.Start(t)
	w, err := NewWriter(client(t, srv), WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r := NewReader(client(t, srv), "edge1", ReaderConfig{}, quietLog())
	defer r.Close()
	w.Publish(initSeg("cam1", 1))
	var a collector
	if err := r.Watch(context.Background(), "cam1", a.add); err != nil {
		t.Fatal(err)
	}
	for seq := uint64(0); seq < 10; seq++ {
		w.Publish(media("cam1", seq, 5))
	}
	waitFor(t, 5*time.Second, "seq 9", func() bool { return lastSeq(a.snapshot()) == 9 })
	r.Unwatch("cam1")
	for seq := uint64(10); seq < 17; seq++ {
		w.Publish(media("cam1", seq, 5))
	}
	waitFor(t, 5*time.Second, "17 sent", func() bool { return w.Stats().Sent == 18 })
	time.Sleep(100 * time.Millisecond)
	if got := lastSeq(a.snapshot()); got != 9 {
		t.Fatalf("unwatched stream still delivered up to seq %d", got)
	}
	var b collector
	if err := r.Watch(context.Background(), "cam1", b.add); err != nil {
		t.Fatal(err)
	}
	w.Publish(media("cam1", 17, 5))
	waitFor(t, 5*time.Second, "seq 17", func() bool { return lastSeq(b.snapshot()) == 17 })
	es := b.snapshot()
	if es[1].Seq != 15 {
		t.Fatalf("re-watch joined at seq %d, want the keyframe 15", es[1].Seq)
	}
	checkJoin(t, es, 17)
}

// TestReaderSkipsMalformedEntries: an entry the bus did not write is
// counted and skipped; the stream goes on.
func TestReaderSkipsMalformedEntries(t *testing.T) {
	srv := testredis.Start(t)
	rdb := client(t, srv)
	w, err := NewWriter(rdb, WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r := NewReader(client(t, srv), "edge1", ReaderConfig{}, quietLog())
	defer r.Close()
	var c collector
	if err := r.Watch(context.Background(), "cam1", c.add); err != nil {
		t.Fatal(err)
	}
	w.Publish(media("cam1", 0, 1))
	waitFor(t, 5*time.Second, "seq 0", func() bool { return lastSeq(c.snapshot()) == 0 })
	rdb.XAdd(context.Background(), redisXAdd{segKey("cam1"), []string{"k", "9", "junk", "x"}}.args())
	w.Publish(media("cam1", 1, 1))
	waitFor(t, 5*time.Second, "seq 1", func() bool { return lastSeq(c.snapshot()) == 1 })
	if st := r.Stats(); st.Malformed != 1 {
		t.Fatalf("stats %+v, want one malformed entry", st)
	}
	if n := len(c.snapshot()); n != 2 {
		t.Fatalf("%d entries delivered, want 2", n)
	}
}

func TestWatchRejectsBadID(t *testing.T) {
	srv := testredis.Start(t)
	r := NewReader(client(t, srv), "edge1", ReaderConfig{}, quietLog())
	defer r.Close()
	for _, id := range []string{"", "a/b", "x}{y", "../etc"} {
		if err := r.Watch(context.Background(), id, func(Entry) {}); err == nil {
			t.Errorf("Watch(%q) accepted", id)
		}
	}
}
