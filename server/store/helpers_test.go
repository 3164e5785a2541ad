package store

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"proctor/proto"
)

const t0 = int64(1_700_000_000_000_000) // Unix microseconds of segment 0

// testLog logs through t, so failures show what the store said.
func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(bytes.TrimRight(b, "\n")))
	return len(b), nil
}

func openStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	s, err := Open(cfg, testLog(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// payload is segment seq's deterministic content, 100-1099 bytes.
func payload(seq uint64) []byte {
	r := rand.New(rand.NewPCG(seq, 42))
	b := make([]byte, 100+r.IntN(1000))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// rec is segment seq's record: 100 ms long, a keyframe every 5th.
func rec(seq uint64) Record {
	r := Record{Seq: seq, Time: t0 + int64(seq)*100_000, Duration: 100_000, Generation: 1}
	if seq%5 == 0 {
		r.Flags = proto.FlagKeyframe
	}
	return r
}

func appendN(t testing.TB, s *Store, session, sentinel string, from, to uint64) []Record {
	t.Helper()
	var out []Record
	for seq := from; seq < to; seq++ {
		r, err := s.Append(session, sentinel, rec(seq), payload(seq))
		if err != nil {
			t.Fatalf("Append %d: %v", seq, err)
		}
		out = append(out, r)
	}
	return out
}

// readAll reads rec's payload through Reader.
func readAll(t testing.TB, s *Store, session, sentinel string, r Record) []byte {
	t.Helper()
	sr, err := s.Reader(session, sentinel, r)
	if err != nil {
		t.Fatalf("Reader %d: %v", r.Seq, err)
	}
	b, err := io.ReadAll(sr)
	if err != nil {
		t.Fatalf("read %d: %v", r.Seq, err)
	}
	return b
}

// checkStream asserts the stream holds exactly segments [from, to) intact.
func checkStream(t testing.TB, s *Store, session, sentinel string, from, to uint64) {
	t.Helper()
	recs, err := s.Segments(session, sentinel, 0, 0)
	if err != nil {
		t.Fatalf("Segments: %v", err)
	}
	if len(recs) != int(to-from) {
		t.Fatalf("%d segments stored, want %d (%d..%d)", len(recs), to-from, from, to-1)
	}
	for i, r := range recs {
		seq := from + uint64(i)
		want := rec(seq)
		if r.Seq != seq || r.Time != want.Time || r.Duration != want.Duration || r.Flags != want.Flags || r.Generation != want.Generation {
			t.Fatalf("record %d = %+v, want %+v", i, r, want)
		}
		if got := readAll(t, s, session, sentinel, r); !bytes.Equal(got, payload(seq)) {
			t.Fatalf("segment %d: payload differs (%d bytes, want %d)", seq, len(got), len(payload(seq)))
		}
	}
}

// diskUsage sums the sizes of the files under dir.
func diskUsage(t testing.TB, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return n
}

// streamFiles lists a stream's chunk files with the given extension, oldest first.
func streamFiles(t testing.TB, dir, sentinel, session, ext string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "streams", sentinel, session, "*"+ext))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// t0Time is t0 as a time.Time.
func t0Time() time.Time { return time.UnixMicro(t0) }
