package server

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkSubscribeGOP measures, on the real server over loopback, the
// time from sending subscribe to having received the init segment and the
// whole buffered GOP (2 s GOP at 1 Mbit/s, one frame per segment, the ring
// at the end of a GOP: the worst case).
func BenchmarkSubscribeGOP(b *testing.B) {
	cl := makeClip(b, "640x360", 4, "frag_every_frame", "-g", "20", "-b:v", "1M", "-maxrate", "1M", "-bufsize", "1M", "-sc_threshold", "0")
	e := startServer(b, nil)
	p := e.publish(b, "cam1", "")
	p.sendInit(b, 1, cl.init)
	last := 0
	for i, s := range cl.segs {
		p.sendSeg(b, uint64(i), s)
		if s.key {
			last = i
		}
	}
	st, _ := e.s.hub.Lookup("cam1")
	for st.Stats().LastSeq != uint64(len(cl.segs)-1) {
		time.Sleep(time.Millisecond) // the ingest has the whole clip in the ring
	}
	gop := len(cl.segs) - last
	gopBytes := 0
	for _, s := range cl.segs[last:] {
		gopBytes += len(s.payload)
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := e.watch(b)
		b.StartTimer()
		t0 := time.Now()
		w.WriteJSON(proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: []string{"cam1"}})
		r := collect(b, w, "cam1", gop)
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		if len(r.inits) != 1 || int(r.seqs[0]) != last {
			b.Fatalf("got inits %v first %d", r.inits, r.seqs[0])
		}
		w.Close()
		b.StartTimer()
	}
	b.ReportMetric(ms(percentile(lat, 0.5)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 0.95)), "p95-ms")
	b.ReportMetric(float64(gopBytes)/1024, "GOP-KiB")
}

// BenchmarkStalledWatcherLatency relays the same paced stream to 20
// watchers, first all reading, then with one that never reads, and reports
// the p99 relay latency (publisher's send to watcher's receive) of the
// readers in both runs and their ratio.
func BenchmarkStalledWatcherLatency(b *testing.B) {
	cl := lowLatencyClip(b)
	e := startServer(b, func(c *Config) { c.Window = 2 * time.Second; c.WriteTimeout = time.Second })
	const watchers, total = 20, 300
	run := func(id string, stalled bool) time.Duration {
		p := e.publish(b, id, "")
		p.sendInit(b, 1, cl.init)
		readers := watchers
		if stalled {
			readers--
			defer e.stalledWatcher(b, id).Close()
		}
		sent := make([]time.Time, total)
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for range readers {
			w := e.watch(b, id)
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for len(mine) < total {
					w.SetReadDeadline(time.Now().Add(30 * time.Second))
					typ, msg, err := w.ReadMessage()
					if err != nil {
						break
					}
					now := time.Now()
					if typ != websocket.BinaryMessage {
						continue
					}
					if h, _, err := proto.Decode(msg); err == nil && h.Kind == proto.KindMedia {
						mu.Lock()
						mine = append(mine, now.Sub(sent[h.Seq]))
						mu.Unlock()
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		time.Sleep(100 * time.Millisecond) // subscriptions in place
		for i := range total {
			m := segMsg(id, uint64(i), cl.segs[i%len(cl.segs)])
			mu.Lock()
			sent[i] = time.Now()
			mu.Unlock()
			if err := p.c.WriteMessage(websocket.BinaryMessage, m); err != nil {
				b.Fatal(err)
			}
			time.Sleep(3 * time.Millisecond)
		}
		wg.Wait()
		if len(lat) != readers*total {
			b.Fatalf("%d deliveries, want %d", len(lat), readers*total)
		}
		return percentile(lat, 0.99)
	}
	for i := 0; i < b.N; i++ {
		none := run(fmt.Sprintf("calm%d", i), false)
		stall := run(fmt.Sprintf("stall%d", i), true)
		b.ReportMetric(ms(none), "p99-none-ms")
		b.ReportMetric(ms(stall), "p99-stalled-ms")
		b.ReportMetric(float64(stall)/float64(none), "ratio")
	}
}
