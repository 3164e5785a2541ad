package player

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"proctor/proto"
)

// startPlayer makes a player and, at cleanup, closes it and checks that
// no goroutine was left behind.
func startPlayer(t *testing.T, live LiveFeed, arch Archive, opts Options) *Player {
	t.Helper()
	before := runtime.NumGoroutine()
	p, err := New(live, arch, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		checkGoroutines(t, before)
	})
	return p
}

// checkGoroutines waits (a bounded real time, for exiting goroutines to be
// scheduled) until no more than n goroutines run, else fails with stacks.
func checkGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines left after Close, want <= %d:\n%s", runtime.NumGoroutine(), n, buf)
		}
		time.Sleep(time.Millisecond)
	}
}

// takeNext returns the next frame the player presents, moving the manual
// clock forward in small steps only while a decoded frame waits to be due,
// so no frame becomes overdue because the test was impatient.
func takeNext(t *testing.T, p *Player, clk *manualClock) Frame {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if f, ok := p.Take(); ok {
			return f
		}
		p.mu.Lock()
		queued := len(p.queue)
		p.mu.Unlock()
		if queued > 0 {
			clk.Add(10 * time.Millisecond)
		} else {
			time.Sleep(time.Millisecond)
		}
	}
	t.Fatalf("no frame within 20 s; stats %+v", p.Stats())
	return Frame{}
}

// chanFeed is a LiveFeed the test pushes messages into.
type chanFeed chan LiveMessage

func (c chanFeed) Next(ctx context.Context) (LiveMessage, error) {
	select {
	case m := <-c:
		return m, nil
	case <-ctx.Done():
		return LiveMessage{}, ctx.Err()
	}
}

func (c chanFeed) init(gen uint64, b []byte) {
	c <- LiveMessage{Header: proto.Header{Kind: proto.KindInit, Seq: gen}, Payload: b}
}

func (c chanFeed) media(h proto.Header, b []byte) {
	c <- LiveMessage{Header: h, Payload: b}
}

// liveScript feeds clips as a live Sentinel would: the init of each
// generation, then segment k+1 once a frame of segment k was shown.
type liveScript struct {
	feed chanFeed
	gens []*clip
	gi   int // generation of the next segment
	si   int // index of the next segment in gens[gi]
}

// push sends the next segment (and an init before a new generation); it
// reports false at the end.
func (s *liveScript) push() bool {
	if s.gi >= len(s.gens) {
		return false
	}
	c := s.gens[s.gi]
	if s.si == 0 {
		s.feed.init(uint64(s.gi+1), c.init)
	}
	h := c.hdrs[s.si]
	if s.gi > 0 && s.si == 0 {
		h.Flags |= proto.FlagDiscontinuity
	}
	s.feed.media(h, c.segs[s.si])
	s.si++
	if s.si == len(c.segs) {
		s.gi, s.si = s.gi+1, 0
	}
	return true
}

func wantNumbers(t *testing.T, got, want []int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d frames %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("frame %d is number %d, want %d\ngot  %v\nwant %v", i, got[i], want[i], got, want)
		}
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func trimErr(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// pausedAt starts a paused player on the stored clip c (10 fps), seeks it
// to frame n and checks that frame n is shown.
func pausedAt(t *testing.T, c *clip, n int) (*Player, *manualClock) {
	t.Helper()
	clk := newManualClock(time.Unix(0, 0))
	p := startPlayer(t, nil, newMemArchive(c), Options{Clock: clk, Paused: true, Size: Size{160, 120}})
	takeNext(t, p, clk)
	p.Seek(frameTime(n, 10))
	if got := frameNumber(takeNext(t, p, clk).Image); got != n {
		t.Fatalf("seek to frame %d shows %d", n, got)
	}
	return p, clk
}

// stepShow steps d frames and returns the number of the frame shown.
func stepShow(t *testing.T, p *Player, clk *manualClock, d int) int {
	t.Helper()
	p.Step(d)
	return frameNumber(takeNext(t, p, clk).Image)
}
