package bus

import (
	"context"
	"testing"
	"time"

	"proctor/internal/testredis"
	"proctor/proto"
)

func TestWriterAppendsSegmentsWithHeaderFields(t *testing.T) {
	srv := testredis.Start(t)
	rdb := client(t, srv)
	w, err := NewWriter(rdb, WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	w.Publish(initSeg("cam1", 3))
	for seq := uint64(0); seq < 12; seq++ {
		s := media("cam1", seq, 5)
		s.Generation = 3
		w.Publish(s)
	}
	w.Close()
	if st := w.Stats(); st.Sent != 13 || st.Dropped+st.Failed+st.Fenced != 0 {
		t.Fatalf("stats %+v, want 13 sent and nothing lost", st)
	}
	ctx := context.Background()
	msgs, err := rdb.XRange(ctx, segKey("cam1"), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 13 {
		t.Fatalf("stream has %d entries, want 13", len(msgs))
	}
	for i, m := range msgs {
		e, err := decodeEntry(m.ID, segKey("cam1"), m.Values)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if e.Kind != proto.KindInit || e.Generation != 3 || string(e.Data) != "init-3" {
				t.Fatalf("entry 0 = %+v, want init generation 3", e)
			}
			continue
		}
		want := media("cam1", uint64(i-1), 5)
		if e.Kind != proto.KindMedia || e.Seq != want.Seq || e.Flags != want.Flags || e.Generation != 3 ||
			e.Time != want.Time || e.Duration != want.Duration || string(e.Data) != string(want.Data) {
			t.Fatalf("entry %d = %+v, want %+v", i, e.Segment, want)
		}
	}
	if got := rdb.Get(ctx, initKey("cam1")).Val(); got != "init-3" {
		t.Fatalf("px:init = %q", got)
	}
	// The latest keyframe is seq 10: entry index 11.
	if kf := rdb.HGet(ctx, metaKey("cam1"), metaKF).Val(); kf != msgs[11].ID {
		t.Fatalf("meta kf = %s, want %s (seq 10)", kf, msgs[11].ID)
	}
}

func TestWriterTrimsByTimeButKeepsLatestKeyframe(t *testing.T) {
	srv := testredis.Start(t)
	rdb := client(t, srv)
	ctx := context.Background()
	// Small macro nodes so that MINID ~ can trim a short test stream.
	rdb.ConfigSet(ctx, "stream-node-max-entries", "2")
	w, err := NewWriter(rdb, WriterConfig{Window: 300 * time.Millisecond}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	key := segKey("cam1")
	for seq := uint64(0); seq < 20; seq++ {
		if seq == 10 {
			waitFor(t, 2*time.Second, "10 sent", func() bool { return w.Stats().Sent == 10 })
			time.Sleep(50 * time.Millisecond) // the second GOP gets later entry ids
		}
		w.Publish(media("cam1", seq, 10)) // keyframes at 0 and 10
	}
	waitFor(t, 2*time.Second, "20 sent", func() bool { return w.Stats().Sent == 20 })
	time.Sleep(400 * time.Millisecond)
	for seq := uint64(20); seq < 25; seq++ { // no keyframe among these
		w.Publish(media("cam1", seq, 1000))
	}
	waitFor(t, 2*time.Second, "25 sent", func() bool { return w.Stats().Sent == 25 })
	msgs := rdb.XRange(ctx, key, "-", "+").Val()
	first, _ := decodeEntry(msgs[0].ID, key, msgs[0].Values)
	// Older than the window, but seq 10 is the latest keyframe: trimming
	// stops there, so the stream still starts a decodable GOP.
	if first.Seq > 10 {
		t.Fatalf("stream starts at seq %d: the latest keyframe (10) was trimmed", first.Seq)
	}
	if first.Seq < 8 {
		t.Fatalf("stream starts at seq %d: entries older than the window and the keyframe were kept", first.Seq)
	}
}

func TestWriterCapsStreamLength(t *testing.T) {
	srv := testredis.Start(t)
	rdb := client(t, srv)
	ctx := context.Background()
	rdb.ConfigSet(ctx, "stream-node-max-entries", "10")
	w, err := NewWriter(rdb, WriterConfig{MaxLen: 50}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	for seq := uint64(0); seq < 500; seq++ {
		w.Publish(media("cam1", seq, 1000))
	}
	w.Close()
	if n := rdb.XLen(ctx, segKey("cam1")).Val(); n > 60 {
		t.Fatalf("XLEN = %d, want about the cap of 50", n)
	}
}

func TestWriterNeverBlocksOnSlowRedisAndCountsDrops(t *testing.T) {
	srv := testredis.Start(t)
	rdb := client(t, srv)
	ctx := context.Background()
	w, err := NewWriter(rdb, WriterConfig{Queue: 8, Batch: 4}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// Redis stops answering writes for a second: a slow Redis.
	admin := client(t, srv)
	if err := admin.Do(ctx, "CLIENT", "PAUSE", "1000", "WRITE").Err(); err != nil {
		t.Fatal(err)
	}
	queued := 0
	start := time.Now()
	for seq := uint64(0); seq < 1000; seq++ {
		if w.Publish(media("cam1", seq, 25)) {
			queued++
		}
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("1000 Publish calls took %v while Redis was paused: the caller was blocked", d)
	}
	st := w.Stats()
	if st.Dropped == 0 || int(st.Dropped)+queued != 1000 {
		t.Fatalf("queued %d, stats %+v: every segment not queued must be counted as dropped", queued, st)
	}
}

func TestWriterFencedByNewerEpoch(t *testing.T) {
	srv := testredis.Start(t)
	rdb := client(t, srv)
	ctx := context.Background()
	rdb.HSet(ctx, metaKey("cam1"), metaEpoch, 5)
	w, err := NewWriter(rdb, WriterConfig{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	old := media("cam1", 0, 1)
	old.Epoch = 4
	cur := media("cam1", 1, 1)
	cur.Epoch = 5
	w.Publish(old)
	w.Publish(cur)
	w.Close()
	if st := w.Stats(); st.Fenced != 1 || st.Sent != 1 {
		t.Fatalf("stats %+v, want the epoch-4 write fenced and the epoch-5 one sent", st)
	}
	if n := rdb.XLen(ctx, segKey("cam1")).Val(); n != 1 {
		t.Fatalf("XLEN = %d, want 1", n)
	}
}
