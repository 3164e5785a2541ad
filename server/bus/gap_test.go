package bus

import (
	"context"
	"fmt"
	"testing"
	"time"

	"proctor/internal/testredis"
	"proctor/server/hub"
)

// TestRemoteGapIsSkipped: segments missing from a Sentinel's Redis stream
// (the ingest node's Writer dropped them, queue full, or Redis lost them)
// reach an edge's watcher as a skipped report, as a local stream's losses
// do, followed by the next keyframe: never as a silent sequence gap, and
// never as media that cannot be decoded without the lost segments.
func TestRemoteGapIsSkipped(t *testing.T) {
	srv := testredis.Start(t)
	w, err := NewWriter(client(t, srv), WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r := NewReader(client(t, srv), "edge1", ReaderConfig{}, quietLog())
	defer r.Close()
	const id = "cam1"
	publish := func(seqs ...uint64) {
		t.Helper()
		want := w.Stats().Sent + uint64(len(seqs))
		for _, q := range seqs {
			if !w.Publish(media(id, q, 4)) {
				t.Fatalf("segment %d not queued", q)
			}
		}
		waitFor(t, 5*time.Second, "segments sent", func() bool { return w.Stats().Sent >= want })
	}
	w.Publish(initSeg(id, 1))
	// In the window at join: 1 and 2 are missing (keyframes every 4).
	publish(0, 3, 4, 5)

	h := hub.New(hub.Config{})
	defer h.Close()
	st := h.Stream(id)
	wake := make(chan struct{}, 1)
	from := uint64(0)
	cur := st.Subscribe(&from, wake)
	defer cur.Close()
	fd := &feeder{st: st, id: id}
	if err := r.WatchWindow(context.Background(), id, fd.feed); err != nil {
		t.Fatal(err)
	}
	// Live: 7, 8 and 11 are missing; 9 and 10 cannot be decoded without 8.
	publish(6, 9, 10, 12, 13)

	var got []string
	deadline := time.After(5 * time.Second)
	for len(got) == 0 || got[len(got)-1] != "13" {
		it, ok, err := cur.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			select {
			case <-wake:
			case <-deadline:
				t.Fatalf("timed out; got %v", got)
			}
			continue
		}
		switch it.Kind {
		case hub.ItemInit:
			got = append(got, "init")
		case hub.ItemSkipped:
			got = append(got, fmt.Sprintf("skipped %d..%d", it.From, it.To))
		case hub.ItemMedia:
			got = append(got, fmt.Sprint(it.Seq))
		}
	}
	want := fmt.Sprint([]string{"init", "0", "skipped 1..3", "4", "5", "6", "skipped 7..11", "12", "13"})
	if fmt.Sprint(got) != want {
		t.Fatalf("watcher got %v, want %v", got, want)
	}
}
