package store

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentReaders reads while two streams are appended to, chunks
// rotate and the sync goroutine runs every millisecond; run with -race.
func TestConcurrentReaders(t *testing.T) {
	s := openStore(t, Config{ChunkSize: 16 << 10, SyncInterval: time.Millisecond})
	const n = 600
	var done atomic.Bool
	var writers, readers sync.WaitGroup
	for _, sid := range []string{"a", "b"} {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for seq := uint64(0); seq < n; seq++ {
				if _, err := s.Append(sid, "x", rec(seq), payload(seq)); err != nil {
					t.Errorf("Append %s %d: %v", sid, seq, err)
					return
				}
			}
		}()
	}
	errc := make(chan error, 8)
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			errc <- readLoop(s, &done)
		}()
	}
	writers.Wait()
	done.Store(true)
	readers.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkStream(t, s, "a", "x", 0, n)
	checkStream(t, s, "b", "x", 0, n)
}

func readLoop(s *Store, done *atomic.Bool) error {
	buf := make([]byte, 4096)
	for i := 0; !done.Load() || i < 3; i++ {
		for _, sid := range []string{"a", "b"} {
			recs, err := s.Segments(sid, "x", 0, 0)
			if errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			// Check the newest few (those being written around us) and a sample.
			for j, r := range recs {
				if j < len(recs)-5 && j%37 != 0 {
					continue
				}
				sr, err := s.Reader(sid, "x", r)
				if err != nil {
					return err
				}
				k, err := io.ReadFull(sr, buf[:r.Size])
				if err != nil || checksum(buf[:k]) != r.Checksum {
					return errors.New("payload read back differs from its checksum")
				}
			}
			if len(recs) > 0 {
				if _, err := s.KeyframeAtOrBefore(sid, "x", recs[len(recs)-1].Time); err != nil {
					return err
				}
			}
		}
		s.Last("x")
		s.Streams()
		s.Usage()
	}
	return nil
}

// TestAppendDuringRetention: appends keep succeeding while retention drops
// the head of the same stream.
func TestAppendDuringRetention(t *testing.T) {
	s := openStore(t, Config{ChunkSize: 4 << 10, MaxAge: time.Second, RetainEvery: time.Hour})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			// A "now" that keeps about the newest 2 s of the stream.
			if _, _, ok := s.Last("x"); ok {
				_, r, _ := s.Last("x")
				if _, err := s.Retain(time.UnixMicro(r.Time).Add(time.Second)); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	appendN(t, s, "a", "x", 0, 400)
	close(stop)
	wg.Wait()
	recs, err := s.Segments("a", "x", 0, 0)
	if err != nil || len(recs) == 0 || recs[len(recs)-1].Seq != 399 {
		t.Fatalf("after retention: %d segments, %v", len(recs), err)
	}
	checkStream(t, s, "a", "x", recs[0].Seq, 400)
}
