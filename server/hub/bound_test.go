package hub

import (
	"testing"
	"time"
)

// boundSeg is the size of the segments of the bound tests: 64 KiB of
// payload, as in issue 10's reproduction.
const boundSeg = 64 << 10

// TestRingHardBound is issue 10 defect 3: with a 1 MiB bound, 2,000
// segments of 64 KiB after one keyframe held 128 MiB, because the ring
// kept everything back to the keyframe. Now it never holds more than the
// bound, and the newest segments are the ones kept.
func TestRingHardBound(t *testing.T) {
	const bound = 1 << 20
	h := New(Config{Window: time.Hour, MaxBytes: bound})
	s := h.Stream("cam1")
	for i := uint64(0); i < 2000; i++ {
		s.Publish(msg(i, i == 0, boundSeg))
		if st := s.Stats(); st.Bytes > bound {
			t.Fatalf("after segment %d the ring holds %d bytes (%d segments), bound %d", i, st.Bytes, st.Segments, bound)
		}
	}
	st := s.Stats()
	if st.LastSeq != 1999 || st.Segments != bound/(boundSeg+30) {
		t.Fatalf("ring %+v: want the newest %d segments, up to 1999", st, bound/(boundSeg+30))
	}
	if st.Overflows != 1 {
		t.Fatalf("overflows %d, want 1 (the one keyframe was dropped once)", st.Overflows)
	}
	if tot := h.Totals(); tot.Overflows != 1 || tot.Bytes != st.Bytes {
		t.Fatalf("hub totals %+v, want the stream's overflow and bytes", tot)
	}
}

// fakeClock is the injected clock of the keyframe requests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestInfiniteGOPAsksForKeyframe: a Sentinel that sends one keyframe and
// then never another is asked for one once its GOP reaches half the
// bound, then at most once per KeyframeRequestEvery, not per segment; a
// keyframe ends the asking.
func TestInfiniteGOPAsksForKeyframe(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	s := New(Config{Window: time.Hour, MaxBytes: 1 << 20, KeyframeRequestEvery: 2 * time.Second, Now: clock.now}).Stream("cam1")
	var asked []uint64
	for i := uint64(0); i < 2000; i++ {
		if s.Publish(msg(i, i == 0, boundSeg)) {
			asked = append(asked, i)
		}
		clock.t = clock.t.Add(100 * time.Millisecond) // 10 segments a second
	}
	// 8 segments of 65,566 bytes pass half of 1 MiB: the first request at
	// segment 7, then one every 20 segments (2 s).
	if len(asked) != 100 || asked[0] != 7 || asked[1] != 27 || asked[99] != 1987 {
		t.Fatalf("asked for a keyframe at %v, want 7, 27, ... 1987 (100 times)", asked)
	}
	if st := s.Stats(); st.KeyframeAsks != 100 {
		t.Fatalf("KeyframeAsks %d, want 100", st.KeyframeAsks)
	}
	// The keyframe comes: no more requests until the new GOP is as large.
	for i := uint64(2000); i < 2007; i++ {
		clock.t = clock.t.Add(time.Minute)
		if s.Publish(msg(i, i == 2000, boundSeg)) {
			t.Fatalf("asked again at %d, %d segments after a keyframe", i, i-2000)
		}
	}
	// Without time passing, one request only, however many segments.
	clock.t = clock.t.Add(time.Minute)
	n := 0
	for i := uint64(2007); i < 2100; i++ {
		if s.Publish(msg(i, false, boundSeg)) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("asked %d times in one instant, want 1", n)
	}
}

// TestJoinWithoutKeyframe: a watcher joining while the bound has dropped
// the only keyframe gets nothing undecodable: it starts at the next
// keyframe, init first. One resuming with from is told what it missed.
func TestJoinWithoutKeyframe(t *testing.T) {
	s := New(Config{Window: time.Hour, MaxBytes: 1 << 20}).Stream("cam1")
	s.SetInit(1, []byte("init1"))
	for i := uint64(0); i < 100; i++ {
		s.Publish(msg(i, i == 0, boundSeg))
	}
	if st := s.Stats(); st.FirstSeq == 0 || st.Overflows != 1 {
		t.Fatalf("ring %+v: the keyframe should be gone", st)
	}
	fresh := s.Subscribe(nil, make(chan struct{}, 1))
	from := uint64(50)
	resumed := s.Subscribe(&from, make(chan struct{}, 1))
	for i := uint64(100); i < 110; i++ {
		s.Publish(msg(i, false, boundSeg))
	}
	if got := drain(t, fresh); len(got) != 0 {
		t.Fatalf("joined a ring without a keyframe and got %v before any keyframe", got)
	}
	s.Publish(msg(110, true, boundSeg))
	s.Publish(msg(111, false, boundSeg))
	got := drain(t, fresh)
	if len(got) != 3 || got[0].Kind != ItemInit || got[1].Seq != 110 || got[2].Seq != 111 {
		t.Fatalf("fresh watcher got %v, want init, 110, 111", got)
	}
	got = drain(t, resumed)
	if len(got) != 4 || got[0].Kind != ItemSkipped || got[0].From != 50 || got[0].To != 109 ||
		got[1].Kind != ItemInit || got[2].Seq != 110 {
		t.Fatalf("resumed watcher got %v, want skipped 50..109, init, 110, 111", got)
	}
}

// TestBoundAndReadingCursors: a cursor that keeps up reads every segment
// of an infinite GOP although the bound drops the keyframe it started
// at; one whose position the bound drops is moved forward, counted, and
// told every sequence it did not get.
func TestBoundAndReadingCursors(t *testing.T) {
	s := New(Config{Window: time.Hour, MaxBytes: 1 << 20}).Stream("cam1")
	s.Publish(msg(0, true, boundSeg))
	keeping := s.Subscribe(nil, make(chan struct{}, 1))
	slow := s.Subscribe(nil, make(chan struct{}, 1))
	if got := drain(t, slow); len(got) != 1 || got[0].Seq != 0 {
		t.Fatalf("slow cursor got %v", got)
	}
	var delivered []uint64
	for i := uint64(1); i < 200; i++ {
		s.Publish(msg(i, false, boundSeg))
		for _, it := range drain(t, keeping) {
			if it.Kind != ItemMedia {
				t.Fatalf("the cursor that keeps up got %+v", it)
			}
			delivered = append(delivered, it.Seq)
		}
	}
	if len(delivered) != 200 || delivered[199] != 199 {
		t.Fatalf("the cursor that keeps up got %d segments, want 0..199", len(delivered))
	}
	got := drain(t, slow)
	if len(got) != 1 || got[0].Kind != ItemSkipped || got[0].From != 1 || got[0].To != 199 {
		t.Fatalf("overtaken cursor got %v, want skipped 1..199 and nothing to decode", got)
	}
	s.Publish(msg(200, false, boundSeg))
	s.Publish(msg(201, true, boundSeg))
	got = drain(t, slow)
	if len(got) != 2 || got[0].Kind != ItemSkipped || got[0].From != 200 || got[0].To != 200 || got[1].Seq != 201 {
		t.Fatalf("overtaken cursor got %v at the next keyframe, want skipped 200..200, 201", got)
	}
	if st := s.Stats(); st.Skips != 1 {
		t.Fatalf("skips %d, want 1", st.Skips)
	}
}

// TestSequenceGapIsNoSkip: a gap in the Sentinel's own sequence (segments
// it never sent) is not reported to a reading cursor as skipped: only
// what the ring dropped under a cursor is.
func TestSequenceGapIsNoSkip(t *testing.T) {
	s := New(Config{Window: time.Hour}).Stream("cam1")
	c := s.Subscribe(nil, make(chan struct{}, 1))
	for _, seq := range []uint64{0, 1, 2, 10, 11} {
		s.Publish(msg(seq, seq == 0, 1))
	}
	got := drain(t, c)
	if len(got) != 5 || got[3].Kind != ItemMedia || got[3].Seq != 10 {
		t.Fatalf("got %v, want 0, 1, 2, 10, 11 and no skip", got)
	}
}
