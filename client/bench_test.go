package client

import (
	"context"
	"sync"
	"testing"

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
	}
	peer.wait(ctx, func() bool { return len(peer.stored) == b.N })
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
	var rg sync.WaitGroup
	rg.Go(func() {
		for range b.N {
			<-sub.C
		}
	})
	for i := range b.N {
		peer.push(proto.Header{Kind: proto.KindMedia, Sentinel: "cam-1", Seq: uint64(i), Flags: proto.FlagKeyframe}, payload)
	}
	rg.Wait()
	b.StopTimer()
	if d := sub.Stats().Dropped; d > 0 {
		b.Fatalf("%d dropped", d)
	}
	w.Close()
	wg.Wait()
}
