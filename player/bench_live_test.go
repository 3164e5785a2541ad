package player

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"proctor/proto"
)

// loopFeed replays a clip forever as a live feed: the init, then its
// segments again and again with growing sequence numbers and times. When
// paced, segment k is released one segment duration after it starts, as a
// Sentinel that cuts a fragment per GOP would send it.
type loopFeed struct {
	c      *clip
	start  time.Time
	offset time.Duration // header time offset from real time
	paced  bool
	clock  Clock
	sent   int
	gate   chan struct{} // unpaced: one token per segment to release
}

func (f *loopFeed) Next(ctx context.Context) (LiveMessage, error) {
	if f.sent < 0 {
		f.sent = 0
		return LiveMessage{Header: proto.Header{Kind: proto.KindInit, Seq: 1}, Payload: f.c.init}, nil
	}
	k := f.sent
	segDur := time.Duration(f.c.hdrs[0].Duration) * time.Microsecond
	start := f.start.Add(time.Duration(k) * segDur)
	if f.paced {
		wait := time.Until(start.Add(segDur))
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return LiveMessage{}, ctx.Err()
			}
		}
	} else {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return LiveMessage{}, ctx.Err()
		}
	}
	i := k % len(f.c.segs)
	h := f.c.hdrs[i]
	h.Seq = uint64(k)
	h.Time = start.Add(f.offset).UnixMicro()
	f.sent++
	return LiveMessage{Header: h, Payload: f.c.segs[i]}, nil
}

// BenchmarkLiveStreams plays many 360p 5 fps live streams (2 s GOP, one
// fragment per GOP) at once against the wall clock, with one display
// ticker taking frames from every player at 60 Hz, and reports the share
// of late and dropped frames. Each sub-benchmark runs 8 s of wall time.
func BenchmarkLiveStreams(b *testing.B) {
	_, c := benchClip(b, 640, 360, 5, 10, 60)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		n       int
		keyOnly bool
		tile    Size
	}{
		{16, false, Size{256, 144}},
		{64, false, Size{256, 144}},
		{96, false, Size{256, 144}},
		{128, false, Size{256, 144}},
		{256, true, Size{160, 90}},
	} {
		name := fmt.Sprintf("streams=%d", tc.n)
		if tc.keyOnly {
			name += "-keyframes"
		}
		b.Run(name, func(b *testing.B) {
			const run = 8 * time.Second
			segDur := time.Duration(c.hdrs[0].Duration) * time.Microsecond
			t0 := time.Now()
			players := make([]*Player, tc.n)
			for i := range players {
				// Streams start at different phases of the GOP.
				feed := &loopFeed{c: c, start: t0.Add(-time.Duration(i) * segDur / time.Duration(tc.n)), paced: true, sent: -1}
				p, err := New(feed, nil, Options{Log: log, Size: tc.tile, KeyframesOnly: tc.keyOnly})
				if err != nil {
					b.Fatal(err)
				}
				players[i] = p
			}
			cpu0 := cpuTime()
			tick := time.NewTicker(time.Second / 60)
			for time.Since(t0) < run {
				<-tick.C
				for _, p := range players {
					p.Take()
				}
			}
			tick.Stop()
			cpu := cpuTime() - cpu0
			var st Stats
			for _, p := range players {
				s := p.Stats()
				st.Decoded += s.Decoded
				st.Shown += s.Shown
				st.Dropped += s.Dropped
				st.Late += s.Late
				st.Errors += s.Errors
				p.Close()
			}
			b.ReportMetric(100*float64(st.Late)/float64(max(st.Decoded, 1)), "%late")
			b.ReportMetric(100*float64(st.Dropped)/float64(max(st.Decoded, 1)), "%dropped")
			b.ReportMetric(float64(st.Shown)/run.Seconds(), "shown/s")
			b.ReportMetric(100*cpu.Seconds()/run.Seconds(), "%cpu")
			if st.Errors > 0 {
				b.Errorf("%d stream errors", st.Errors)
			}
		})
	}
}

// BenchmarkPlayerSteadyState measures allocations per presented frame of a
// live player in steady state (one op is one frame taken), with the
// manual clock driving presentation.
func BenchmarkPlayerSteadyState(b *testing.B) {
	_, c := benchClip(b, 640, 360, 30, 30, 60)
	clk := newManualClock(clipBase)
	feed := &loopFeed{c: c, start: clipBase, sent: -1, gate: make(chan struct{}, 4)}
	feed.gate <- struct{}{}
	feed.gate <- struct{}{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := New(feed, nil, Options{Log: log, Clock: clk, Size: Size{320, 180}})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	take := func() {
		for {
			if f, ok := p.Take(); ok {
				if f.Keyframe {
					feed.gate <- struct{}{}
				}
				return
			}
			p.mu.Lock()
			queued := len(p.queue)
			p.mu.Unlock()
			if queued > 0 {
				clk.Add(5 * time.Millisecond)
			} else {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}
	for range 120 { // warm up: pools, buffers, swscale context
		take()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		take()
	}
	b.StopTimer()
	if st := p.Stats(); st.Errors > 0 || st.Dropped > 0 {
		b.Fatalf("stats %+v", st)
	}
}

// BenchmarkParseMedia shows the allocations of proto.ParseMedia (go-mp4
// unmarshalling) per sample, the part of the steady state the player does
// not own.
func BenchmarkParseMedia(b *testing.B) {
	_, c := benchClip(b, 640, 360, 30, 30, 60)
	info, err := proto.ParseInit(c.init)
	if err != nil {
		b.Fatal(err)
	}
	var samples []proto.Sample
	b.ReportAllocs()
	n := 0
	for i := range b.N {
		mi, err := proto.ParseMedia(c.segs[i%len(c.segs)], &info, samples)
		if err != nil {
			b.Fatal(err)
		}
		samples = mi.Samples
		n += len(samples)
	}
	b.ReportMetric(float64(n)/float64(b.N), "samples/op")
}
