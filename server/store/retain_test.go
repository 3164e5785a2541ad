package store

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestRetainAge(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir, ChunkSize: 4096, MaxAge: time.Minute, RetainEvery: time.Hour})
	appendN(t, s, "old", "x", 0, 50)      // t0 .. t0+5 s
	appendN(t, s, "mixed", "y", 0, 100)   // t0 .. t0+10 s, many chunks
	appendN(t, s, "new", "z", 3000, 3010) // t0+300 s ..
	if err := s.PutInit("old", "x", 1, []byte("init")); err != nil {
		t.Fatal(err)
	}
	now := t0Time().Add(time.Minute + 7*time.Second) // cutoff t0+7 s
	removed, err := s.Retain(now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Segments("old", "x", 0, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old stream still there: %v", err)
	}
	if _, _, ok := s.Last("x"); ok {
		t.Fatal("Last(x) finds a removed stream")
	}
	recs, err := s.Segments("mixed", "y", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	first := recs[0].Seq
	if first == 0 || first > 70 || recs[len(recs)-1].Seq != 99 {
		t.Fatalf("mixed stream keeps %d..%d, want whole chunks before 7 s dropped", first, recs[len(recs)-1].Seq)
	}
	if removed != 50+int(first) {
		t.Fatalf("removed %d segments, want %d", removed, 50+first)
	}
	checkStream(t, s, "mixed", "y", first, 100)
	checkStream(t, s, "new", "z", 3000, 3010)
	if s.Usage() != diskUsage(t, dir) {
		t.Fatalf("Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
	}
	// Appending to a stream retention removed starts it afresh.
	appendN(t, s, "old", "x", 50, 52)
	checkStream(t, s, "old", "x", 50, 52)
	s.Close()
	s = openStore(t, Config{Dir: dir, ChunkSize: 4096})
	checkStream(t, s, "mixed", "y", first, 100)
	checkStream(t, s, "old", "x", 50, 52)
}

func TestRetainSize(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir, ChunkSize: 4096, RetainEvery: time.Hour})
	appendN(t, s, "s1", "x", 0, 40)   // oldest
	appendN(t, s, "s2", "y", 30, 100) // overlaps, newer
	appendN(t, s, "s3", "x", 200, 210)
	total := s.Usage()
	s.Close()

	limit := total / 2
	s = openStore(t, Config{Dir: dir, ChunkSize: 4096, MaxBytes: limit, RetainEvery: time.Hour})
	removed, err := s.Retain(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if s.Usage() > limit || s.Usage() != diskUsage(t, dir) {
		t.Fatalf("Usage() = %d (files %d), limit %d", s.Usage(), diskUsage(t, dir), limit)
	}
	if _, err := s.Segments("s1", "x", 0, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("oldest stream kept: %v", err)
	}
	checkStream(t, s, "s3", "x", 200, 210) // newest data untouched
	recs, _ := s.Segments("s2", "y", 0, 0)
	if len(recs) == 0 || recs[len(recs)-1].Seq != 99 {
		t.Fatalf("s2 lost its newest segments: %d left", len(recs))
	}
	checkStream(t, s, "s2", "y", recs[0].Seq, 100)
	if removed != 40+int(recs[0].Seq-30) {
		t.Fatalf("removed %d, want %d", removed, 40+recs[0].Seq-30)
	}
	if n, err := s.Retain(time.Now()); n != 0 || err != nil {
		t.Fatalf("second Retain removed %d, %v", n, err)
	}
}

// TestRetainGoroutine: the Store's own goroutine applies retention.
func TestRetainGoroutine(t *testing.T) {
	s := openStore(t, Config{MaxAge: time.Hour, RetainEvery: 10 * time.Millisecond})
	appendN(t, s, "a", "x", 0, 5) // from 2023: far older than an hour
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := s.Segments("a", "x", 0, 0); errors.Is(err, ErrNotFound) {
			return
		}
	}
	t.Fatal("retention goroutine did not remove an old stream")
}

// TestNoFileLeak: rotation, pending syncs, reads, retention and Close leave
// no file open.
func TestNoFileLeak(t *testing.T) {
	fds := func() int {
		des, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(des)
	}
	before := fds()
	s, err := Open(Config{Dir: t.TempDir(), ChunkSize: 2048, MaxAge: time.Minute}, nil)
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, s, "a", "x", 0, 50)
	appendN(t, s, "b", "x", 0, 50)
	checkStream(t, s, "a", "x", 0, 50) // opens read handles
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, "a", "x", 50, 60) // pending again
	if _, err := s.Retain(t0Time().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, "b", "x", 60, 70)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if after := fds(); after != before {
		t.Fatalf("%d files open before, %d after Close", before, after)
	}
}
