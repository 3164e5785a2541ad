package client

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"proctor/proto"
)

// BenchmarkPublish measures publishing 64 KiB segments to a loopback peer.
func BenchmarkPublish(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	peer := newPeer(b, "tok")
	p := NewPublisher(peer.config(), proto.Hello{Sentinel: "cam-1"}, PublishOptions{Backlog: 256 << 20})
	p.Init(1, []byte("init"))
	var wg sync.WaitGroup
	wg.Go(func() { p.Run(ctx) })
	payload := make([]byte, 64<<10)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.Segment(Segment{Keyframe: i%50 == 0, Payload: payload})
		if i%64 == 63 { // keep the backlog from filling up: no drops
			peer.wait(ctx, func() bool { return len(peer.stored) >= i-64 })
		}
	}
	peer.wait(ctx, func() bool { return len(peer.stored) == b.N })
	if st := p.Stats(); st.Dropped > 0 {
		b.Fatalf("%d dropped", st.Dropped)
	}
	b.StopTimer()
	p.End(ctx)
	wg.Wait()
}

// BenchmarkWatch measures receiving 64 KiB segments from a loopback peer
// through a subscription.
func BenchmarkWatch(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	peer := newPeer(b, "tok")
	peer.noKeep = true
	w := NewWatcher(Config{Server: peer.srv.URL, Token: "tok", Buffer: 1024})
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	sub := w.Subscribe("cam-1", nil)
	peer.wait(ctx, func() bool { return len(peer.watchers) == 1 })
	payload := make([]byte, 64<<10)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	var got atomic.Int64
	var rg sync.WaitGroup
	rg.Go(func() {
		for range b.N {
			<-sub.C
			got.Add(1)
		}
	})
	for i := range b.N {
		peer.push(proto.Header{Kind: proto.KindMedia, Sentinel: "cam-1", Seq: uint64(i), Flags: proto.FlagKeyframe}, payload)
		for int64(i)-got.Load() > 512 { // stay within the subscription's buffer: no drops
			time.Sleep(50 * time.Microsecond)
		}
	}
	rg.Wait()
	b.StopTimer()
	if d := sub.Stats().Dropped; d > 0 {
		b.Fatalf("%d dropped", d)
	}
	w.Close()
	wg.Wait()
}
