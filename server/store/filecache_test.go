package store

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
)

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	des, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("count open files: %v", err)
	}
	return len(des)
}

// TestOpenFilesBounded (issue 10, defect 11): reading every chunk of a
// long stream keeps the number of open files bounded by the cache, however
// many chunks were read.
func TestOpenFilesBounded(t *testing.T) {
	const n = 400 // segments, each in a chunk of its own
	s := openStore(t, Config{ChunkSize: 1, Sync: SyncNever})
	recs := appendN(t, s, "a", "x", 0, n)
	before := openFDs(t)
	for _, r := range recs {
		if b := readAll(t, s, "a", "x", r); !bytes.Equal(b, payload(r.Seq)) {
			t.Fatalf("segment %d differs", r.Seq)
		}
	}
	if grown := openFDs(t) - before; grown > DefaultMaxOpenFiles {
		t.Fatalf("reading %d chunks left %d more files open, bound %d", n, grown, DefaultMaxOpenFiles)
	}
}

// TestOpenFilesSmallCache: with a cache of two, concurrent readers of many
// chunks all read the right bytes, a section reader handed out before its
// file was evicted still reads, and the open files stay near the bound.
func TestOpenFilesSmallCache(t *testing.T) {
	s := openStore(t, Config{ChunkSize: 1, Sync: SyncNever, MaxOpenFiles: 2})
	recs := appendN(t, s, "a", "x", 0, 100)
	early, err := s.Reader("a", "x", recs[0])
	if err != nil {
		t.Fatal(err)
	}
	before := openFDs(t)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 300 {
				rec := recs[r.IntN(len(recs))]
				sr, err := s.Reader("a", "x", rec)
				if err != nil {
					errs <- err.Error()
					return
				}
				b, err := io.ReadAll(sr)
				if err != nil || !bytes.Equal(b, payload(rec.Seq)) {
					errs <- "segment read wrong"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if b, err := io.ReadAll(early); err != nil || !bytes.Equal(b, payload(0)) {
		t.Fatalf("reader from before the eviction: %v", err)
	}
	if grown := openFDs(t) - before; grown > 2 {
		t.Fatalf("%d more files open, bound 2", grown)
	}
	if n := s.Stats().OpenFiles; n > 2 {
		t.Fatalf("%d handles cached, bound 2", n)
	}
}

// TestReadAfterRetention: a reader whose chunk retention dropped fails
// with ErrNotFound rather than reading another file, and the dropped
// file's descriptor is closed.
func TestReadAfterRetention(t *testing.T) {
	s := openStore(t, Config{ChunkSize: 1, Sync: SyncNever, MaxAge: 1})
	recs := appendN(t, s, "a", "x", 0, 10)
	sr, err := s.Reader("a", "x", recs[0])
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, s, "a", "x", recs[0])
	if _, err := s.Retain(t0Time().Add(500_000_000)); err != nil { // t0 + 0.5 s: segments 0-3 end before
		t.Fatal(err)
	}
	if _, err := io.ReadAll(sr); !errors.Is(err, ErrNotFound) {
		t.Fatalf("read of a dropped chunk: %v, want ErrNotFound", err)
	}
	if n := s.files.open(); n != 0 {
		t.Fatalf("%d handles cached after their chunk was dropped", n)
	}
}

// TestReadAfterStreamReplaced: a reader of a stream that retention removed
// never reads the bytes of the stream begun anew under the same name.
func TestReadAfterStreamReplaced(t *testing.T) {
	s := openStore(t, Config{Sync: SyncNever, MaxAge: 1})
	recs := appendN(t, s, "a", "x", 0, 3)
	sr, err := s.Reader("a", "x", recs[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Retain(t0Time().Add(3_600_000_000_000)); err != nil { // an hour on: all of it goes
		t.Fatal(err)
	}
	appendN(t, s, "a", "x", 10, 13) // the same file names, other bytes
	if b, err := io.ReadAll(sr); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stale reader read %d bytes (%v), want ErrNotFound", len(b), err)
	}
}
