package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"proctor/client"
	"proctor/player"
	"proctor/proto"
	"proctor/server/auth"
)

// BenchmarkLiveLatency measures capture-to-presentation latency over a
// real server on loopback: a low-latency Sentinel (one frame per fragment,
// 360p 30 fps) publishes in real time with the capture wall clock in each
// header; a client.Watcher feeds a live player; presentation is when Take
// returns the frame (polled every millisecond). Each sub-benchmark runs
// 6 s; the first second is warm-up.
func BenchmarkLiveLatency(b *testing.B) {
	e := startServer(b)
	c := encode(b, "testsrc2=s=640x360:r=30:d=4", 60, "frag_every_frame")
	for _, jitter := range []time.Duration{0, 30 * time.Millisecond} {
		name := "jitter=default"
		if jitter > 0 {
			name = fmt.Sprintf("jitter=%v", jitter)
		}
		b.Run(name, func(b *testing.B) {
			id := fmt.Sprintf("cam-ll-%d", jitter.Milliseconds())
			hello := proto.Hello{Type: proto.TypeHello, Sentinel: id, Session: "exam-" + id, Source: proto.SourceTest}
			pub := client.NewPublisher(e.config(auth.RoleSentinel, id), hello, client.PublishOptions{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pubDone := make(chan error, 1)
			go func() { pubDone <- pub.Run(ctx) }()
			if err := pub.Init(1, c.init); err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			sent := make(chan struct{})
			go func() { // the Sentinel: one frame every 33 ms, stamped at capture
				defer close(sent)
				tick := time.NewTicker(time.Second / 30)
				defer tick.Stop()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					case <-tick.C:
					}
					k := i % len(c.segs)
					_ = pub.Segment(client.Segment{Time: time.Now(), Duration: c.durs[k], Keyframe: c.keys[k], Payload: c.segs[k]})
				}
			}()
			time.Sleep(300 * time.Millisecond) // let the Sentinel come online
			w := client.NewWatcher(e.config(auth.RoleProctor, "proctor"))
			wDone := make(chan error, 1)
			go func() { wDone <- w.Run(ctx) }()
			sub := w.Subscribe(id, nil)
			feed := player.FromChan(sub.C, func(m client.Media) player.LiveMessage { return player.LiveMessage(m) })
			p, err := player.New(feed, nil, player.Options{Jitter: jitter, Size: player.Size{Width: 320, Height: 180}})
			if err != nil {
				b.Fatal(err)
			}
			var lat []time.Duration
			t0 := time.Now()
			for time.Since(t0) < 6*time.Second {
				if f, ok := p.Take(); ok && time.Since(t0) > time.Second {
					lat = append(lat, time.Since(f.Time))
				}
				time.Sleep(time.Millisecond)
			}
			st := p.Stats()
			p.Close()
			sub.Close()
			close(stop)
			<-sent
			cancel()
			<-wDone
			<-pubDone
			if len(lat) == 0 {
				b.Fatalf("no frames: %+v", st)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(len(lat))/5, "shown/s")
			b.ReportMetric(float64(st.Late), "late")
		})
	}
}
