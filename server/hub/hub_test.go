package hub

import (
	"sync"
	"testing"
	"time"

	"proctor/proto"
)

func msg(seq uint64, key bool, size int) Segment {
	h := proto.Header{Kind: proto.KindMedia, Sentinel: "cam1", Seq: seq, Time: int64(seq) * 1e6, Duration: 1e6}
	if key {
		h.Flags = proto.FlagKeyframe
	}
	return Segment{Msg: proto.Marshal(h, make([]byte, size)), Seq: seq, Time: h.Time, Duration: h.Duration, Keyframe: key}
}

// drain reads everything available from c.
func drain(t *testing.T, c *Cursor) []Item {
	t.Helper()
	var out []Item
	for {
		it, ok, err := c.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		out = append(out, it)
	}
}

func TestRingWindow(t *testing.T) {
	tests := []struct {
		name              string
		window            time.Duration
		gop, total        int
		wantMin, wantMax  int // segments in the ring
		wantFirstKeyframe bool
	}{
		{name: "gop shorter than window", window: 10 * time.Second, gop: 5, total: 100, wantMin: 10, wantMax: 11},
		{name: "gop longer than window", window: 3 * time.Second, gop: 30, total: 95, wantMin: 5, wantMax: 5, wantFirstKeyframe: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Config{Window: tt.window}).Stream("cam1")
			for i := 0; i < tt.total; i++ {
				s.Publish(msg(uint64(i), i%tt.gop == 0, 10))
			}
			st := s.Stats()
			if st.Segments < tt.wantMin || st.Segments > tt.wantMax {
				t.Fatalf("ring holds %d segments, want %d-%d", st.Segments, tt.wantMin, tt.wantMax)
			}
			if st.Span < tt.window {
				t.Fatalf("ring spans %v, less than the window %v", st.Span, tt.window)
			}
			if st.LastSeq != uint64(tt.total-1) {
				t.Fatalf("last seq %d", st.LastSeq)
			}
			if tt.wantFirstKeyframe && st.FirstSeq%uint64(tt.gop) != 0 {
				t.Fatalf("first seq %d is not the latest keyframe", st.FirstSeq)
			}
		})
	}
}

func TestSubscribeStartsAtLatestKeyframe(t *testing.T) {
	s := New(Config{Window: time.Minute}).Stream("cam1")
	wake := make(chan struct{}, 1)
	early := s.Subscribe(nil, wake) // before anything: waits for a keyframe
	s.Publish(msg(0, false, 1))     // not decodable alone
	s.SetInit(1, []byte("init1"))
	for i := uint64(1); i < 12; i++ {
		s.Publish(msg(i, i%5 == 0, 1))
	}
	c := s.Subscribe(nil, wake)
	got := drain(t, c)
	if got[0].Kind != ItemInit || string(got[0].Msg) != "init1" || got[0].Seq != 1 {
		t.Fatalf("first item %+v, want init generation 1", got[0])
	}
	if len(got) != 3 || got[1].Seq != 10 || got[2].Seq != 11 {
		t.Fatalf("got %v, want init, 10, 11", got)
	}
	got = drain(t, early)
	if got[0].Kind != ItemInit || got[1].Seq != 5 || len(got) != 8 {
		t.Fatalf("early cursor got %v, want init then 5..11", got)
	}
	// New generation: init before the next segment, once.
	s.SetInit(2, []byte("init2"))
	s.Publish(msg(12, true, 1))
	got = drain(t, c)
	if len(got) != 2 || got[0].Kind != ItemInit || got[0].Seq != 2 || got[1].Seq != 12 {
		t.Fatalf("after new generation got %v", got)
	}
}

func TestSubscribeFrom(t *testing.T) {
	s := New(Config{Window: 5 * time.Second}).Stream("cam1")
	for i := uint64(0); i < 20; i++ {
		s.Publish(msg(i, i%4 == 0, 1))
	}
	tests := []struct {
		name      string
		from      uint64
		wantFirst uint64
		wantSkip  bool
	}{
		{name: "in window", from: 17, wantFirst: 17},
		{name: "next to come", from: 20, wantFirst: 20},
		{name: "evicted", from: 3, wantFirst: 16, wantSkip: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := tt.from
			c := s.Subscribe(&from, make(chan struct{}, 1))
			defer c.Close()
			got := drain(t, c)
			if tt.wantSkip {
				if got[0].Kind != ItemSkipped || got[0].From != tt.from || got[0].To != tt.wantFirst-1 {
					t.Fatalf("got %+v, want skipped %d..%d", got[0], tt.from, tt.wantFirst-1)
				}
				got = got[1:]
			}
			if tt.wantFirst == 20 {
				if len(got) != 0 {
					t.Fatalf("got %v, want nothing yet", got)
				}
				return
			}
			if got[0].Kind != ItemMedia || got[0].Seq != tt.wantFirst {
				t.Fatalf("first %+v, want seq %d", got[0], tt.wantFirst)
			}
		})
	}
}

func TestSlowCursorSkipsToNewestKeyframe(t *testing.T) {
	s := New(Config{Window: 4 * time.Second}).Stream("cam1")
	wake := make(chan struct{}, 1)
	slow := s.Subscribe(nil, wake)
	for i := uint64(0); i < 3; i++ {
		s.Publish(msg(i, i%3 == 0, 1))
	}
	if got := drain(t, slow); len(got) != 3 {
		t.Fatalf("got %v", got)
	}
	for i := uint64(3); i < 30; i++ {
		s.Publish(msg(i, i%3 == 0, 1))
	}
	got := drain(t, slow)
	if got[0].Kind != ItemSkipped || got[0].From != 3 || got[0].To != 26 {
		t.Fatalf("got %+v, want skipped 3..26", got[0])
	}
	if got[1].Seq != 27 || len(got) != 4 {
		t.Fatalf("after skip got %v, want 27, 28, 29", got[1:])
	}
	if s.Stats().Skips != 1 {
		t.Fatalf("skips %d", s.Stats().Skips)
	}
}

// TestConcurrentReaders runs a publisher and many readers under -race; a
// reader that never reads must not make any other skip.
func TestConcurrentReaders(t *testing.T) {
	const total, readers = 2000, 8
	s := New(Config{Window: 2 * total * time.Second}).Stream("cam1")
	s.SetInit(1, []byte("init"))
	stalled := s.Subscribe(nil, make(chan struct{}, 1))
	defer stalled.Close()
	var wg sync.WaitGroup
	errs := make(chan string, readers)
	for r := 0; r < readers; r++ {
		wake := make(chan struct{}, 1)
		c := s.Subscribe(nil, wake)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			want := uint64(0)
			for want < total {
				it, ok, err := c.Next()
				if err != nil {
					errs <- err.Error()
					return
				}
				if !ok {
					<-wake
					continue
				}
				switch it.Kind {
				case ItemSkipped:
					errs <- "skipped"
					return
				case ItemMedia:
					if it.Seq != want {
						errs <- "out of order"
						return
					}
					want++
				}
			}
		}()
	}
	for i := uint64(0); i < total; i++ {
		s.Publish(msg(i, i%10 == 0, 100))
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if it, ok, _ := stalled.Next(); !ok || it.Kind != ItemInit {
		t.Fatalf("stalled cursor got %+v, want its first item still there", it)
	}
}

func TestCloseEndsCursors(t *testing.T) {
	h := New(Config{})
	c := h.Stream("cam1").Subscribe(nil, make(chan struct{}, 1))
	h.Close()
	if _, _, err := c.Next(); err != ErrClosed {
		t.Fatalf("err %v, want ErrClosed", err)
	}
	if h.Stream("cam2") != nil {
		t.Fatal("closed hub made a stream")
	}
}
