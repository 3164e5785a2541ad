package store

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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

// diskUsage sums the sizes of the files under dir but outside its
// quarantine, which Usage does not count.
func diskUsage(t testing.TB, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path == filepath.Join(dir, quarantineDir) {
			return filepath.SkipDir
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

// chunkFiles reads every chunk file (log and index) of the store in dir,
// by path.
func chunkFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, ext := range []string{logExt, idxExt} {
		m, err := filepath.Glob(filepath.Join(dir, "streams", "*", "*", "*"+ext))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[p] = b
		}
	}
	return out
}

// quarantined reads every file in the store's quarantine.
func quarantined(t testing.TB, dir string) [][]byte {
	t.Helper()
	var out [][]byte
	filepath.WalkDir(filepath.Join(dir, quarantineDir), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return nil
	})
	return out
}

// checkNothingLost asserts that recovery deleted no byte of the chunk
// files it found (before): a log is kept or cut, and what was cut is in the
// quarantine byte for byte; a log moved away is there whole; an index is
// kept, or the one found is in the quarantine whole.
func checkNothingLost(t testing.TB, dir string, before map[string][]byte) {
	t.Helper()
	q := quarantined(t, dir)
	inQuarantine := func(b []byte) bool {
		if len(b) == 0 {
			return true
		}
		for _, f := range q {
			if bytes.Equal(f, b) {
				return true
			}
		}
		return false
	}
	for path, old := range before {
		cur, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			cur = nil
		} else if err != nil {
			t.Fatal(err)
		}
		switch {
		case bytes.Equal(cur, old):
		case filepath.Ext(path) == logExt && len(cur) < len(old) && bytes.Equal(old[:len(cur)], cur):
			if !inQuarantine(old[len(cur):]) {
				t.Fatalf("%s: %d bytes cut and not in the quarantine", filepath.Base(path), len(old)-len(cur))
			}
		case filepath.Ext(path) == idxExt:
			if !inQuarantine(old) {
				t.Fatalf("%s: index replaced and the old one (%d bytes) not in the quarantine", filepath.Base(path), len(old))
			}
		default:
			t.Fatalf("%s: %d bytes became %d bytes", filepath.Base(path), len(old), len(cur))
		}
	}
}

// without lists the sequences [from, to) but skip.
func without(from, to uint64, skip ...uint64) []uint64 {
	var out []uint64
	for seq := from; seq < to; seq++ {
		if !slices.Contains(skip, seq) {
			out = append(out, seq)
		}
	}
	return out
}

// checkSegments asserts the stream holds exactly the segments seqs, intact.
func checkSegments(t testing.TB, s *Store, session, sentinel string, seqs []uint64) {
	t.Helper()
	recs, err := s.Segments(session, sentinel, 0, 0)
	if err != nil {
		t.Fatalf("Segments: %v", err)
	}
	got := make([]uint64, len(recs))
	for i, r := range recs {
		got[i] = r.Seq
	}
	if !slices.Equal(got, seqs) {
		t.Fatalf("segments stored %v, want %v", got, seqs)
	}
	for _, r := range recs {
		want := rec(r.Seq)
		if r.Time != want.Time || r.Duration != want.Duration || r.Flags != want.Flags || r.Generation != want.Generation {
			t.Fatalf("record %+v, want %+v", r, want)
		}
		if b := readAll(t, s, session, sentinel, r); !bytes.Equal(b, payload(r.Seq)) {
			t.Fatalf("segment %d: payload differs", r.Seq)
		}
	}
}

// damagedFrame returns rec's frame (header and payload) as the log found
// by recovery (before, from chunkFiles) held it.
func damagedFrame(t testing.TB, before map[string][]byte, dir string, r Record) []byte {
	t.Helper()
	for path, b := range before {
		base, ok := parseHex(filepath.Base(path), "", logExt)
		if ok && int64(base) < r.Offset && r.Offset+r.Size <= int64(base)+int64(len(b)) {
			return b[r.Offset-frameSize-int64(base) : r.Offset+r.Size-int64(base)]
		}
	}
	t.Fatalf("no log holds segment %d", r.Seq)
	return nil
}

// quarantineHolds reports whether a file in the quarantine contains b.
func quarantineHolds(t testing.TB, dir string, b []byte) bool {
	t.Helper()
	for _, f := range quarantined(t, dir) {
		if bytes.Contains(f, b) {
			return true
		}
	}
	return false
}
