package hub

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// wsPair is n server-side WebSocket connections to n clients on loopback
// that read and discard, counting the media messages they got.
type wsPair struct {
	srv     *httptest.Server
	conns   []*websocket.Conn
	clients []*websocket.Conn
	got     []atomic.Int64
	wg      sync.WaitGroup
}

func newPairs(b *testing.B, n int) *wsPair {
	p := &wsPair{got: make([]atomic.Int64, n)}
	connc := make(chan *websocket.Conn, n)
	up := websocket.Upgrader{WriteBufferSize: 256} // as the server's watch endpoint
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		connc <- c
	}))
	url := "ws" + strings.TrimPrefix(p.srv.URL, "http")
	for i := range n {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		p.clients = append(p.clients, c)
		p.conns = append(p.conns, <-connc)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			buf := make([]byte, 32<<10)
			for {
				_, r, err := c.NextReader()
				if err != nil {
					return
				}
				for {
					if _, err := r.Read(buf); err == io.EOF {
						break
					} else if err != nil {
						return
					}
				}
				p.got[i].Add(1)
			}
		}()
	}
	return p
}

func (p *wsPair) close() {
	for _, c := range p.conns {
		c.Close()
	}
	p.wg.Wait()
	for _, c := range p.clients {
		c.Close()
	}
	p.srv.Close()
}

// waitBelow blocks until every client is at most lag messages behind sent.
func (p *wsPair) waitBelow(sent int64, lag int64) {
	for i := range p.got {
		for p.got[i].Load() < sent-lag {
			runtime.Gosched()
		}
	}
}

const (
	benchSegSize = 64 << 10
	benchLag     = 32 // how far the publisher may run ahead of the slowest reader
)

// BenchmarkFanout relays 64 KiB segments to N watchers through the hub
// (one writer goroutine per watcher reading its cursor) and, side by side,
// the same bytes written to N plain WebSocket connections from per-
// connection goroutines fed by channels (no hub). Throughput is reported
// in MB/s delivered; alloc-B/msg is what one watcher delivery allocates.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{100, 500} {
		for _, mode := range []string{"baseline", "hub"} {
			b.Run(fmt.Sprintf("watchers=%d/%s", n, mode), func(b *testing.B) {
				p := newPairs(b, n)
				defer p.close()
				payload := make([]byte, benchSegSize)
				msgs := make([][]byte, 64)
				for i := range msgs {
					msgs[i] = proto.Marshal(proto.Header{Kind: proto.KindMedia, Sentinel: "cam1", Seq: uint64(i), Duration: 1e6}, payload)
				}
				var publish func(i int)
				var stop func()
				if mode == "baseline" {
					publish, stop = baselineWriters(p)
				} else {
					publish, stop = hubWriters(p, msgs)
				}
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				allocs0 := ms.TotalAlloc
				b.SetBytes(int64(n) * int64(len(msgs[0])))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					p.waitBelow(int64(i), benchLag)
					publish(i)
				}
				p.waitBelow(int64(b.N), 0)
				b.StopTimer()
				runtime.ReadMemStats(&ms)
				stop()
				b.ReportMetric(float64(ms.TotalAlloc-allocs0)/float64(b.N)/float64(n), "alloc-B/msg")
			})
		}
	}
}

// baselineWriters: one goroutine per connection, each fed the same
// message slice by its own channel, writing it with WriteMessage.
func baselineWriters(p *wsPair) (publish func(int), stop func()) {
	payload := make([]byte, benchSegSize)
	msg := proto.Marshal(proto.Header{Kind: proto.KindMedia, Sentinel: "cam1", Duration: 1e6}, payload)
	chans := make([]chan []byte, len(p.conns))
	var wg sync.WaitGroup
	for i, c := range p.conns {
		chans[i] = make(chan []byte, benchLag*2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range chans[i] {
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if c.WriteMessage(websocket.BinaryMessage, m) != nil {
					return
				}
			}
		}()
	}
	return func(int) {
			for _, ch := range chans {
				ch <- msg
			}
		}, func() {
			for _, ch := range chans {
				close(ch)
			}
			wg.Wait()
		}
}

// hubWriters: one stream, one cursor and writer goroutine per connection,
// as the server's watch endpoint does it.
func hubWriters(p *wsPair, msgs [][]byte) (publish func(int), stop func()) {
	h := New(Config{Window: 1000 * time.Second})
	s := h.Stream("cam1")
	var wg sync.WaitGroup
	for _, c := range p.conns {
		wake := make(chan struct{}, 1)
		cur := s.Subscribe(nil, wake)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cur.Close()
			for {
				it, ok, err := cur.Next()
				if err != nil {
					return
				}
				if !ok {
					<-wake
					continue
				}
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if c.WriteMessage(websocket.BinaryMessage, it.Msg) != nil {
					return
				}
			}
		}()
	}
	return func(i int) {
			m := msgs[i%len(msgs)]
			s.Publish(Segment{Msg: m, Seq: uint64(i), Duration: 1e6, Keyframe: i == 0})
		}, func() {
			h.Close()
			wg.Wait()
		}
}

// BenchmarkMemoryPerStream fills rings with 1 Mbit/s of 100 ms segments
// (a keyframe every 2 s) for twice the 20 s window and reports the heap
// each stream holds as a multiple of the window's bytes.
func BenchmarkMemoryPerStream(b *testing.B) {
	const (
		streams  = 20
		window   = 20 * time.Second
		segDur   = 100 * time.Millisecond
		segBytes = 1_000_000 / 8 / 10 // 1 Mbit/s
	)
	windowBytes := float64(segBytes) * float64(window/segDur)
	for i := 0; i < b.N; i++ {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		h := New(Config{Window: window})
		for k := range streams {
			s := h.Stream(fmt.Sprintf("cam%d", k))
			for seq := range 2 * int(window/segDur) {
				// As the ingest does: an exact-size copy of the received message.
				m := proto.Marshal(proto.Header{Kind: proto.KindMedia, Sentinel: "cam", Seq: uint64(seq), Duration: uint32(segDur.Microseconds())}, make([]byte, segBytes))
				s.Publish(Segment{Msg: m, Seq: uint64(seq), Duration: uint32(segDur.Microseconds()), Keyframe: seq%20 == 0})
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		per := float64(ms.HeapAlloc-before) / streams
		b.ReportMetric(per/windowBytes, "x-window")
		b.ReportMetric(per/(1<<20), "MiB/stream")
		b.ReportMetric(windowBytes/(1<<20), "window-MiB")
		runtime.KeepAlive(h)
	}
}

// BenchmarkFanoutRatio runs the hub and the plain-writer baseline in
// alternating rounds of 100 segments over the same connections, so both
// see the same machine load, and reports the hub's throughput as a
// fraction of the baseline's (1.0 = as fast).
func BenchmarkFanoutRatio(b *testing.B) {
	const round = 100
	for _, n := range []int{100, 500} {
		b.Run(fmt.Sprintf("watchers=%d", n), func(b *testing.B) {
			p := newPairs(b, n)
			defer p.close()
			payload := make([]byte, benchSegSize)
			msgs := make([][]byte, 64)
			for i := range msgs {
				msgs[i] = proto.Marshal(proto.Header{Kind: proto.KindMedia, Sentinel: "cam1", Seq: uint64(i), Duration: 1e6}, payload)
			}
			var sent int64
			var base, hub time.Duration
			b.SetBytes(int64(2*round*n) * int64(len(msgs[0])))
			for i := 0; i < b.N; i++ {
				for _, mode := range []string{"baseline", "hub"} {
					publish, stop := baselineWriters(p)
					if mode == "hub" {
						publish, stop = hubWriters(p, msgs)
					}
					t0 := time.Now()
					for j := 0; j < round; j++ {
						p.waitBelow(sent+int64(j), benchLag)
						publish(j)
					}
					p.waitBelow(sent+round, 0)
					d := time.Since(t0)
					stop()
					sent += round
					if mode == "hub" {
						hub += d
					} else {
						base += d
					}
				}
			}
			b.ReportMetric(float64(base)/float64(hub), "hub/baseline")
		})
	}
}

// BenchmarkPublishNext is the ring's own cost without sockets: one
// publisher and 10 cursors that read every segment, with a keyframe every
// 50 segments and a ring bounded by the window, so eviction runs on every
// Publish.
func BenchmarkPublishNext(b *testing.B) {
	s := New(Config{Window: 10 * time.Second}).Stream("cam1")
	payload := make([]byte, 1000)
	msg := proto.Marshal(proto.Header{Kind: proto.KindMedia, Sentinel: "cam1", Duration: 1e5}, payload)
	curs := make([]*Cursor, 10)
	for i := range curs {
		curs[i] = s.Subscribe(nil, make(chan struct{}, 1))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Publish(Segment{Msg: msg, Seq: uint64(i), Duration: 1e5, Keyframe: i%50 == 0})
		for _, c := range curs {
			for {
				_, ok, err := c.Next()
				if err != nil {
					b.Fatal(err)
				}
				if !ok {
					break
				}
			}
		}
	}
}
