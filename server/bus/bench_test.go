package bus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"proctor/internal/testredis"
	"proctor/proto"
	"proctor/server/hub"
)

// BenchmarkRelayLatency compares the latency of a segment from publish to
// a watcher's cursor: in-process (hub only) against the Redis path (Writer
// -> redis-server -> Reader -> the edge's hub), for 50 Sentinels with 2 s
// GOPs cut into 0.5 s segments, sent faster than real time: each
// iteration is one round of one 16 KiB segment per Sentinel, every 25 ms
// (32 MB/s in all). Segments the writer drops are reported, not hidden.
//
// "burst": the 50 Sentinels publish at the same instant of each round, so
// a segment's latency includes the wait behind up to 49 others (800 KB);
// "spread": each at its own phase of the round, as independent Sentinels
// do, so it is one segment's relay latency. The Redis path's stages are
// logged (queue, pipeline, XREAD return, decode, hub hand-off).
// Run both side by side:
//
//	go test -run x -bench RelayLatency -benchtime 200x ./server/bus/
func BenchmarkRelayLatency(b *testing.B) {
	const streams, size = 50, 16 << 10
	for _, c := range []struct{ path, arrival string }{
		{"hub", "burst"}, {"redis", "burst"}, {"hub", "spread"}, {"redis", "spread"},
	} {
		path := c.path
		b.Run(c.path+"-"+c.arrival, func(b *testing.B) {
			h := hub.New(hub.Config{})
			defer h.Close()
			sent := make([][]atomic.Int64, streams)
			for i := range sent {
				sent[i] = make([]atomic.Int64, b.N)
			}
			// Stage timestamps of the Redis path, per segment (Unix ns).
			tr := newRelayTrace(streams, b.N)
			var mu sync.Mutex
			var lat []time.Duration
			var got atomic.Int64
			var wg sync.WaitGroup
			ctx, cancel := context.WithCancel(context.Background())
			ss := make([]*hub.Stream, streams)
			for i := range ss {
				ss[i] = h.Stream(fmt.Sprintf("cam%d", i))
				ss[i].SetInit(1, proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: ss[i].ID(), Seq: 1}, []byte("init")))
				wake := make(chan struct{}, 1)
				cur := ss[i].Subscribe(nil, wake)
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					defer cur.Close()
					for {
						for {
							it, ok, err := cur.Next()
							if err != nil || !ok {
								break
							}
							if it.Kind == hub.ItemMedia {
								now := time.Now().UnixNano()
								tr.at(stageCursor, i, it.Seq, now)
								d := time.Duration(now - sent[i][it.Seq].Load())
								mu.Lock()
								lat = append(lat, d)
								mu.Unlock()
								got.Add(1)
							}
						}
						select {
						case <-ctx.Done():
							return
						case <-wake:
						}
					}
				}(i)
			}
			payload := make([]byte, size)
			for i := range payload {
				payload[i] = byte(rand.IntN(256))
			}
			publish := func(i int, seq uint64) {
				id := ss[i].ID()
				h := proto.Header{Kind: proto.KindMedia, Sentinel: id, Seq: seq, Time: int64(seq) * 500000, Duration: 500000}
				if seq%4 == 0 {
					h.Flags = proto.FlagKeyframe
				}
				ss[i].Publish(hub.Segment{Msg: proto.Marshal(h, payload), Seq: seq, Time: h.Time, Duration: h.Duration, Keyframe: h.Keyframe()})
			}
			var w *Writer
			var r *Reader
			if path == "redis" {
				srv := testredis.Start(b)
				var err error
				wc := WriterConfig{trace: func(batch []Segment, deq, flushed time.Time) {
					for _, s := range batch {
						i := streamIndex(s.Sentinel)
						tr.at(stageDequeued, i, s.Seq, deq.UnixNano())
						tr.at(stageFlushed, i, s.Seq, flushed.UnixNano())
					}
				}}
				if w, err = NewWriter(client(b, srv), wc, quietLog()); err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				var readAt int64 // written and read by the reader goroutine only
				r = NewReader(client(b, srv), "edge1", ReaderConfig{trace: func(t time.Time, _ int) { readAt = t.UnixNano() }}, quietLog())
				defer r.Close()
				for i := range ss {
					if err := r.Watch(ctx, ss[i].ID(), func(e Entry) {
						if e.Kind == proto.KindMedia {
							tr.at(stageRead, i, e.Seq, readAt)
							tr.at(stageDelivered, i, e.Seq, time.Now().UnixNano())
							publish(i, e.Seq)
						}
					}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.SetBytes(streams * size)
			b.ResetTimer()
			tick := time.NewTicker(25 * time.Millisecond)
			for n := 0; n < b.N; n++ {
				round := <-tick.C
				for i := range ss {
					if c.arrival == "spread" {
						time.Sleep(time.Until(round.Add(time.Duration(i) * 25 * time.Millisecond / streams)))
					}
					sent[i][n].Store(time.Now().UnixNano())
					tr.at(stageSent, i, uint64(n), sent[i][n].Load())
					if w != nil {
						s := Segment{Sentinel: ss[i].ID(), Kind: proto.KindMedia, Seq: uint64(n), Generation: 1,
							Time: int64(n) * 500000, Duration: 500000, Data: payload}
						if n%4 == 0 {
							s.Flags = proto.FlagKeyframe
						}
						w.Publish(s)
					} else {
						publish(i, uint64(n))
					}
				}
			}
			tick.Stop()
			want := int64(streams * b.N)
			deadline := time.Now().Add(10 * time.Second)
			for {
				if w != nil {
					want = int64(w.Stats().Sent)
				}
				if got.Load() >= int64(streams*b.N) || (w != nil && w.Stats().Sent+w.Stats().Dropped == uint64(streams*b.N) && got.Load() >= want) || time.Now().After(deadline) {
					break
				}
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			cancel()
			wg.Wait()
			if w != nil {
				b.ReportMetric(float64(w.Stats().Dropped), "dropped")
			}
			if n := got.Load(); n != want {
				if w != nil {
					b.Logf("writer %+v reader %+v", w.Stats(), r.Stats())
				}
				b.Fatalf("delivered %d of %d segments", n, want)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-us")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-us")
			if w != nil {
				tr.report(b)
			}
		})
	}
}

// BenchmarkRedisMemoryPerStream measures what a stream of a full window
// costs in Redis (MEMORY USAGE of px:seg:{id}, and used_memory over 20
// streams) against the window's segment bytes, for GOP-sized and for
// low-latency (one frame) segments. Run with -benchtime 1x.
func BenchmarkRedisMemoryPerStream(b *testing.B) {
	cases := []struct {
		name     string
		size     int // bytes per segment
		segments int // in one window
	}{
		{"gop-segments-256KiB", 256 << 10, 10}, // 20 s of 2 s GOPs at 1 Mbit/s
		{"halfsecond-64KiB", 64 << 10, 40},     // 20 s of 0.5 s segments at 1 Mbit/s
		{"frame-5KiB", 5 << 10, 500},           // 20 s of 25 fps one-frame segments at 1 Mbit/s
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			const streams = 20
			srv := testredis.Start(b)
			rdb := client(b, srv)
			ctx := context.Background()
			for n := 0; n < b.N; n++ {
				rdb.FlushAll(ctx)
				before := usedMemory(b, rdb)
				w, err := NewWriter(rdb, WriterConfig{Window: time.Hour, Queue: streams * (c.segments + 1)}, quietLog())
				if err != nil {
					b.Fatal(err)
				}
				payload := make([]byte, c.size)
				for i := range payload {
					payload[i] = byte(rand.IntN(256))
				}
				for s := 0; s < streams; s++ {
					w.Publish(Segment{Sentinel: fmt.Sprintf("cam%d", s), Kind: proto.KindInit, Generation: 1, Data: payload[:1024]})
					for q := 0; q < c.segments; q++ {
						w.Publish(Segment{Sentinel: fmt.Sprintf("cam%d", s), Kind: proto.KindMedia, Seq: uint64(q), Generation: 1,
							Flags: proto.Flags(map[bool]uint8{true: 1}[q%4 == 0]), Time: int64(q) * 40000, Duration: 40000, Data: payload})
					}
				}
				w.Close()
				if st := w.Stats(); st.Sent != uint64(streams*(c.segments+1)) {
					b.Fatalf("stats %+v", st)
				}
				window := float64(c.size * c.segments)
				usage, err := rdb.MemoryUsage(ctx, segKey("cam0"), 0).Result()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(usage)/window, "stream/window")
				b.ReportMetric(float64(usedMemory(b, rdb)-before)/(streams*window), "used/window")
			}
		})
	}
}

func usedMemory(b *testing.B, rdb interface {
	Info(ctx context.Context, section ...string) *redis.StringCmd
}) int64 {
	b.Helper()
	s := rdb.Info(context.Background(), "memory").Val()
	for _, l := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(l, "used_memory:"); ok {
			var n int64
			fmt.Sscan(v, &n)
			return n
		}
	}
	b.Fatal("no used_memory in INFO memory")
	return 0
}

// BenchmarkConnectionsPerNode counts the Redis connections of one node
// (Writer, Reader, Control) in CLIENT LIST as its watched streams grow
// from 10 to 500. Run with -benchtime 1x.
func BenchmarkConnectionsPerNode(b *testing.B) {
	srv := testredis.Start(b)
	ctx := context.Background()
	admin := client(b, srv)
	for n := 0; n < b.N; n++ {
		base := clients(b, admin)
		w, err := NewWriter(client(b, srv), WriterConfig{}, quietLog())
		if err != nil {
			b.Fatal(err)
		}
		r := NewReader(client(b, srv), "edge1", ReaderConfig{}, quietLog())
		c, err := NewControl(ctx, client(b, srv), "edge1", ControlConfig{}, quietLog())
		if err != nil {
			b.Fatal(err)
		}
		watched := 0
		for _, target := range []int{10, 500} {
			for ; watched < target; watched++ {
				id := fmt.Sprintf("cam%d", watched)
				w.Publish(media(id, 0, 1))
				if err := r.Watch(ctx, id, func(Entry) {}); err != nil {
					b.Fatal(err)
				}
				_ = c.RequestFPS(ctx, id, 10)
			}
			time.Sleep(600 * time.Millisecond) // a full XREAD cycle over all keys
			b.ReportMetric(float64(clients(b, admin)-base), fmt.Sprintf("conns@%d", target))
		}
		c.Close()
		r.Close()
		w.Close()
	}
}

func clients(b *testing.B, rdb interface {
	ClientList(ctx context.Context) *redis.StringCmd
}) int {
	b.Helper()
	return strings.Count(rdb.ClientList(context.Background()).Val(), "\n")
}
