package client

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"proctor/proto"
)

// describe renders a Media as a short token: i<gen>, k<seq> (keyframe),
// m<seq>, or s<from>-<to> (skipped).
func describe(m Media) string {
	switch {
	case m.Skipped != nil:
		return fmt.Sprintf("s%d-%d", m.Skipped.From, m.Skipped.To)
	case m.Header.Kind == proto.KindInit:
		return fmt.Sprintf("i%d", m.Header.Seq)
	case m.Header.Keyframe():
		return fmt.Sprintf("k%d", m.Header.Seq)
	}
	return fmt.Sprintf("m%d", m.Header.Seq)
}

// parseMedia is the inverse of describe, for table tests.
func parseMedia(id, tok string) Media {
	var a, b uint64
	switch tok[0] {
	case 's':
		fmt.Sscanf(tok, "s%d-%d", &a, &b)
		return Media{Header: proto.Header{Kind: proto.KindMedia, Sentinel: id}, Skipped: &proto.Skipped{Type: proto.TypeSkipped, Sentinel: id, From: a, To: b}}
	case 'i':
		fmt.Sscanf(tok, "i%d", &a)
		return Media{Header: proto.Header{Kind: proto.KindInit, Sentinel: id, Seq: a}}
	}
	fmt.Sscanf(tok[1:], "%d", &a)
	h := proto.Header{Kind: proto.KindMedia, Sentinel: id, Seq: a}
	if tok[0] == 'k' {
		h.Flags = proto.FlagKeyframe
	}
	return Media{Header: h, Payload: []byte(tok)}
}

func drain(c <-chan Media) []string {
	var out []string
	for {
		select {
		case m := <-c:
			out = append(out, describe(m))
		default:
			return out
		}
	}
}

func TestSubscriptionDelivery(t *testing.T) {
	// Steps are tokens delivered in turn; "|" drains C and records it.
	tests := []struct {
		name  string
		steps string
		want  string
		stats SubscriptionStats
	}{
		{"room for all", "i1 k0 m1 m2 |", "i1 k0 m1 m2", SubscriptionStats{Delivered: 4}},
		{"full: drop to next keyframe with a notice", "i1 k0 m1 m2 m3 m4 k5 | m6 k7 m8 |",
			"i1 k0 m1 m2 | s3-6 k7 m8", SubscriptionStats{Delivered: 7, Dropped: 4, Skips: 1}},
		{"init while full comes before the keyframe", "k0 m1 m2 m3 i2 k4 | k5 |",
			"k0 m1 m2 m3 | s4-4 i2 k5", SubscriptionStats{Delivered: 7, Dropped: 1, Skips: 1}},
		{"server skip delivered", "k0 s1-9 k10 |", "k0 s1-9 k10", SubscriptionStats{Delivered: 3, Skips: 1}},
		{"server skip while dropping merges", "k0 m1 m2 m3 m4 s5-9 | k10 |",
			"k0 m1 m2 m3 | s4-9 k10", SubscriptionStats{Delivered: 6, Dropped: 1, Skips: 1}},
		{"duplicates after a resume", "i1 k0 m1 | i1 k0 m1 m2 |", "i1 k0 m1 | i1 m2", SubscriptionStats{Delivered: 5, Duplicate: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWatcher(Config{Buffer: 4})
			s := w.Subscribe("cam-1", nil)
			var got []string
			for _, tok := range strings.Fields(tc.steps) {
				if tok == "|" {
					if len(got) > 0 {
						got = append(got, "|")
					}
					got = append(got, drain(s.C)...)
					continue
				}
				w.mu.Lock()
				s.deliver(parseMedia("cam-1", tok))
				w.mu.Unlock()
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
			if st := s.Stats(); st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
		})
	}
}

func pushSeg(p *peer, id string, seq uint64, gop int) {
	h := proto.Header{Kind: proto.KindMedia, Sentinel: id, Seq: seq, Time: int64(seq) * 100_000, Duration: 100_000}
	if seq%uint64(gop) == 0 {
		h.Flags = proto.FlagKeyframe
	}
	p.push(h, []byte(fmt.Sprintf("segment %d", seq)))
}

func pushInit(p *peer, id string, gen uint64) {
	p.push(proto.Header{Kind: proto.KindInit, Sentinel: id, Seq: gen}, []byte("init"))
}

// recv reads n messages from c.
func recv(t *testing.T, c <-chan Media, n int) []string {
	t.Helper()
	var out []string
	timeout := time.After(20 * time.Second)
	for len(out) < n {
		select {
		case m, ok := <-c:
			if !ok {
				t.Fatalf("channel closed after %v", out)
			}
			if m.Skipped == nil && string(m.Payload) != "init" && string(m.Payload) != fmt.Sprintf("segment %d", m.Header.Seq) {
				t.Fatalf("payload %q for %s", m.Payload, describe(m))
			}
			out = append(out, describe(m))
		case <-timeout:
			t.Fatalf("timed out after %v", out)
		}
	}
	return out
}

func tokens(s string) []string { return strings.Fields(s) }

func TestWatchResumeAfterCut(t *testing.T) {
	ctx := testCtx(t)
	peer := newPeer(t, "tok")
	base := runtime.NumGoroutine()
	pushInit(peer, "cam-1", 1)
	for i := range 10 {
		pushSeg(peer, "cam-1", uint64(i), 5)
	}
	w := NewWatcher(peer.config())
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	sub := w.Subscribe("cam-1", nil)
	w.FPS("cam-1", 12)
	if got := recv(t, sub.C, 11); !slices.Equal(got, tokens("i1 k0 m1 m2 m3 m4 k5 m6 m7 m8 m9")) {
		t.Fatalf("first connection: %v", got)
	}
	peer.wait(ctx, func() bool {
		_, ok := peer.watchIn[len(peer.watchIn)-1].(*proto.FPS)
		return ok
	})
	peer.kill()
	for i := 10; i < 15; i++ {
		pushSeg(peer, "cam-1", uint64(i), 5) // while the watcher is away
	}
	// After the resubscribe (from 10): the init again, then 10.. with no gap
	// and no duplicate, then live segments.
	got := recv(t, sub.C, 6)
	for i := 15; i < 20; i++ {
		pushSeg(peer, "cam-1", uint64(i), 5)
	}
	got = append(got, recv(t, sub.C, 5)...)
	if want := tokens("i1 k10 m11 m12 m13 m14 k15 m16 m17 m18 m19"); !slices.Equal(got, want) {
		t.Fatalf("after reconnect: %v, want %v", got, want)
	}
	w.Keyframe("cam-1")
	peer.wait(ctx, func() bool {
		_, ok := peer.watchIn[len(peer.watchIn)-1].(*proto.Keyframe)
		return ok
	})
	var states []string
	var lists int
	for len(states) < 3 {
		switch e := (<-w.Events()).(type) {
		case ConnState:
			states = append(states, fmt.Sprint(e.Connected))
		case *proto.Sentinels:
			lists++
		}
	}
	if !slices.Equal(states, tokens("true false true")) || lists < 1 {
		t.Errorf("conn states %v, %d sentinel lists", states, lists)
	}
	peer.mu.Lock()
	var subs, fps []string
	for _, m := range peer.watchIn {
		switch m := m.(type) {
		case *proto.Subscribe:
			from := "nil"
			if m.From != nil {
				from = fmt.Sprint(*m.From)
			}
			subs = append(subs, m.Sentinels[0]+"@"+from)
		case *proto.FPS:
			fps = append(fps, fmt.Sprint(m.FPS))
		}
	}
	peer.mu.Unlock()
	if !slices.Equal(subs, tokens("cam-1@nil cam-1@10")) || !slices.Equal(fps, tokens("12 12")) {
		t.Errorf("peer got subscribes %v, fps %v", subs, fps)
	}

	w.Close()
	wg.Wait()
	if _, ok := <-sub.C; ok {
		t.Error("subscription channel open after Close")
	}
	for range w.Events() {
	}
	checkGoroutines(t, base)
}

// checkGoroutines waits for the goroutine count to come back to base
// (server-side handlers end asynchronously) and fails if it does not.
func checkGoroutines(t *testing.T, base int) {
	t.Helper()
	for range 200 {
		if runtime.NumGoroutine() <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
}

func TestWatchSlowSubscriberDoesNotBlockOthers(t *testing.T) {
	ctx := testCtx(t)
	peer := newPeer(t, "tok")
	cfg := peer.config()
	cfg.Buffer = 4
	w := NewWatcher(cfg)
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	defer wg.Wait()
	defer w.Close()
	slow, fast := w.Subscribe("slow", nil), w.Subscribe("fast", nil)
	peer.wait(ctx, func() bool { return len(peer.watchers) == 1 && len(peer.watchIn) == 2 })
	pushInit(peer, "slow", 1)
	pushInit(peer, "fast", 1)
	// The fast subscriber receives each segment before the next is sent,
	// while nobody reads the slow one.
	fastGot := recv(t, fast.C, 1)
	for i := range 30 {
		pushSeg(peer, "slow", uint64(i), 5)
		pushSeg(peer, "fast", uint64(i), 5)
		fastGot = append(fastGot, recv(t, fast.C, 1)...)
	}
	if len(fastGot) != 31 || fastGot[30] != "m29" || fast.Stats().Dropped != 0 {
		t.Fatalf("fast subscriber got %v", fastGot)
	}
	if got := recv(t, slow.C, 4); !slices.Equal(got, tokens("i1 k0 m1 m2")) {
		t.Fatalf("slow subscriber got %v", got)
	}
	pushSeg(peer, "slow", 30, 5)
	if got := recv(t, slow.C, 2); !slices.Equal(got, tokens("s3-29 k30")) {
		t.Fatalf("slow subscriber after draining got %v", got)
	}
	if st := slow.Stats(); st.Dropped != 27 || st.Skips != 1 {
		t.Errorf("slow stats %+v", st)
	}
}

func TestWatchSubscriptionLimit(t *testing.T) {
	ctx := testCtx(t)
	peer := newPeer(t, "tok")
	peer.maxSubs = 2
	w := NewWatcher(peer.config())
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	defer wg.Wait()
	defer w.Close()
	a := w.Subscribe("a", nil)
	b := w.Subscribe("b", nil)
	c := w.Subscribe("c", nil) // over the limit: the server closes the connection
	for e := range w.Events() {
		if pe, ok := e.(*proto.Error); ok {
			if pe.Sentinel != "c" || pe.Code != proto.CodeLimit {
				t.Fatalf("error event %+v", pe)
			}
			break
		}
	}
	if _, ok := <-c.C; ok {
		t.Fatal("the newest subscription was not ended")
	}
	// The others are resubscribed and receive media.
	pushInit(peer, "a", 1)
	pushInit(peer, "b", 1)
	if got := recv(t, a.C, 1); got[0] != "i1" {
		t.Fatalf("a got %v", got)
	}
	if got := recv(t, b.C, 1); got[0] != "i1" {
		t.Fatalf("b got %v", got)
	}
}
