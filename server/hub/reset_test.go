package hub

import (
	"testing"
	"time"
)

func TestResetAndRemove(t *testing.T) {
	h := New(Config{Window: time.Minute})
	s := h.Stream("cam1")
	s.SetInit(1, []byte("init1"))
	for i := uint64(0); i < 10; i++ {
		s.Publish(msg(i, i%5 == 0, 1))
	}
	c := s.Subscribe(nil, make(chan struct{}, 1))
	drain(t, c)
	if h.Remove("cam1") {
		t.Fatal("removed a stream with data and a cursor")
	}
	s.Reset()
	if st := s.Stats(); st.Segments != 0 || st.Bytes != 0 || st.Generation != 0 {
		t.Fatalf("after reset: %+v", st)
	}
	// The cursor continues with the next session: new init, from its keyframe.
	s.Publish(msg(10, false, 1))
	s.SetInit(1, []byte("init-next-session"))
	s.Publish(msg(11, true, 1))
	got := drain(t, c)
	if len(got) != 2 || string(got[0].Msg) != "init-next-session" || got[1].Seq != 11 {
		t.Fatalf("after reset got %v", got)
	}
	if h.Remove("cam1") {
		t.Fatal("removed a stream with a cursor")
	}
	c.Close()
	s.Reset()
	if !h.Remove("cam1") {
		t.Fatal("idle empty stream not removed")
	}
	if _, ok := h.Lookup("cam1"); ok {
		t.Fatal("still there")
	}
}

// TestMaxBytesDropsOlderGOPsFirst: over the bound, the oldest segments
// go while the latest keyframe's GOP still fits.
func TestMaxBytesDropsOlderGOPsFirst(t *testing.T) {
	s := New(Config{Window: time.Hour, MaxBytes: 10_000}).Stream("cam1")
	for i := uint64(0); i < 100; i++ {
		s.Publish(msg(i, i%5 == 0, 1000)) // 1,030-byte messages: 9 fit
	}
	st := s.Stats()
	if st.FirstSeq != 91 || st.Segments != 9 || st.Bytes > 10_000 || st.Overflows != 0 {
		t.Fatalf("ring %+v: want 91..99 within 10000 bytes, the latest keyframe (95) kept", st)
	}
}

func TestEndKeepsRingForReaders(t *testing.T) {
	h := New(Config{Window: time.Minute})
	s := h.Stream("cam1")
	s.Hold()
	s.SetInit(1, []byte("init1"))
	c := s.Subscribe(nil, make(chan struct{}, 1))
	for i := uint64(0); i < 10; i++ {
		s.Publish(msg(i, i%5 == 0, 1))
	}
	s.Release()
	now := time.Now()
	s.End(now)
	c.Close()
	if h.Remove("cam1") || h.Sweep(now) != 0 {
		t.Fatal("dropped an ended stream within its window")
	}
	// A watcher reconnecting with from still gets the tail.
	from := uint64(7)
	c = s.Subscribe(&from, make(chan struct{}, 1))
	if got := drain(t, c); len(got) != 4 || got[1].Seq != 7 {
		t.Fatalf("resumed reader got %v, want init and 7..9", got)
	}
	if h.Sweep(now.Add(2*time.Minute)) != 0 {
		t.Fatal("swept a stream that is read")
	}
	c.Close()
	if h.Sweep(now.Add(2*time.Minute)) != 1 {
		t.Fatal("ended stream without readers not swept after its window")
	}
	// A held (published) empty stream is never removed.
	s = h.Stream("cam2")
	s.Hold()
	if h.Remove("cam2") || h.Sweep(now) != 0 {
		t.Fatal("removed a held stream")
	}
}
