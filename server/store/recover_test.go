package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestTornTail damages the end of a closed stream in every way a crash or a
// power loss can, reopens, and checks that every segment still whole is
// served intact (a frame whose index record was lost is recovered from the
// log), what is cut is in the quarantine, and appends continue.
func TestTornTail(t *testing.T) {
	const n = 30 // segments written; 3 chunks of 8 KiB or so
	last := func(t *testing.T, dir string, ext string) string {
		t.Helper()
		fs := streamFiles(t, dir, "x", "a", ext)
		if len(fs) < 2 {
			t.Fatalf("want several chunks, have %v", fs)
		}
		return fs[len(fs)-1]
	}
	lastPayloadSize := int64(len(payload(n - 1)))
	cases := []struct {
		name string
		keep uint64 // segments that survive
		harm func(t *testing.T, dir string)
	}{
		{"log cut mid-payload", n - 1, func(t *testing.T, dir string) {
			truncateBy(t, last(t, dir, logExt), lastPayloadSize/2)
		}},
		{"log cut before last payload", n - 1, func(t *testing.T, dir string) {
			truncateBy(t, last(t, dir, logExt), lastPayloadSize)
		}},
		{"log cut mid-header", n - 1, func(t *testing.T, dir string) {
			truncateBy(t, last(t, dir, logExt), lastPayloadSize+frameSize/2)
		}},
		{"index cut mid-record", n, func(t *testing.T, dir string) {
			truncateBy(t, last(t, dir, idxExt), recordSize/2)
		}},
		{"index cut by one byte", n, func(t *testing.T, dir string) {
			truncateBy(t, last(t, dir, idxExt), 1)
		}},
		{"index record lost", n, func(t *testing.T, dir string) {
			truncateBy(t, last(t, dir, idxExt), recordSize)
		}},
		{"byte flipped in last payload", n - 1, func(t *testing.T, dir string) {
			flip(t, last(t, dir, logExt), -lastPayloadSize/2)
		}},
		{"byte flipped in last index record", n, func(t *testing.T, dir string) {
			flip(t, last(t, dir, idxExt), -10)
		}},
		{"log bytes beyond the last record", n, func(t *testing.T, dir string) {
			appendFile(t, last(t, dir, logExt), make([]byte, 777))
		}},
		{"index garbage beyond the last record", n, func(t *testing.T, dir string) {
			appendFile(t, last(t, dir, idxExt), make([]byte, recordSize+13))
		}},
		{"last chunk index lost", n, func(t *testing.T, dir string) {
			os.Remove(last(t, dir, idxExt))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := Config{Dir: dir, ChunkSize: 8 << 10}
			s := openStore(t, cfg)
			appendN(t, s, "a", "x", 0, n)
			if err := s.PutInit("a", "x", 1, []byte("init")); err != nil {
				t.Fatal(err)
			}
			s.Close()
			c.harm(t, dir)
			crashed(t, dir)
			before := chunkFiles(t, dir)

			s = openStore(t, cfg)
			checkStream(t, s, "a", "x", 0, c.keep)
			checkNothingLost(t, dir, before)
			if s.Usage() != diskUsage(t, dir) {
				t.Fatalf("after recovery Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
			}
			appendN(t, s, "a", "x", c.keep, n+5)
			checkStream(t, s, "a", "x", 0, n+5)
			s.Close()
			s = openStore(t, cfg)
			checkStream(t, s, "a", "x", 0, n+5)
			if st := s.Stats(); st.Quarantined != 0 {
				t.Fatalf("second Open set aside %d more files", st.Quarantined)
			}
			if b, err := s.Init("a", "x", 1); err != nil || string(b) != "init" {
				t.Fatalf("init after recovery: %q, %v", b, err)
			}
		})
	}
}

// TestVerifyWholeChunk: with VerifyTail -1, Open checks every payload, so
// damage far from the end is found too: that one segment is set aside,
// the ones after it are still served.
func TestVerifyWholeChunk(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Dir: dir, VerifyTail: -1}
	s := openStore(t, cfg)
	appendN(t, s, "a", "x", 0, 20)
	first, _ := s.Segment("a", "x", 3)
	s.Close()
	flip(t, streamFiles(t, dir, "x", "a", logExt)[0], first.Offset+1)
	crashed(t, dir)
	before := chunkFiles(t, dir)
	s = openStore(t, cfg)
	checkSegments(t, s, "a", "x", without(0, 20, 3))
	checkNothingLost(t, dir, before)
	if !quarantineHolds(t, dir, damagedFrame(t, before, dir, first)) {
		t.Fatal("the damaged segment is not in the quarantine")
	}
}

// TestPayloadChecksum: damage outside the verified tail is not cut on
// Open but Payload reports it.
func TestPayloadChecksum(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Dir: dir, VerifyTail: 2000}
	s := openStore(t, cfg)
	recs := appendN(t, s, "a", "x", 0, 20)
	s.Close()
	flip(t, streamFiles(t, dir, "x", "a", logExt)[0], recs[2].Offset+5)
	s = openStore(t, cfg)
	if _, err := s.Payload("a", "x", recs[2]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Payload of a damaged segment: %v, want ErrCorrupt", err)
	}
	if b, err := s.Payload("a", "x", recs[3]); err != nil || !bytes.Equal(b, payload(3)) {
		t.Fatalf("Payload(3): %v", err)
	}
	if _, err := s.Payload("a", "x", rec(99)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Payload of an unknown segment: %v", err)
	}
}

func TestStrayFiles(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir})
	appendN(t, s, "a", "x", 0, 3)
	s.Close()
	sdir := filepath.Join(dir, "streams", "x", "a")
	for name, content := range map[string]string{
		initName(7) + tmpExt:     "half an init",
		chunkName(1<<20, idxExt): "", // an empty chunk started just before a crash
		"notes.txt":              "left alone",
	} {
		if err := os.WriteFile(filepath.Join(sdir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "streams", "bad id"), 0o755)
	s = openStore(t, Config{Dir: dir})
	checkStream(t, s, "a", "x", 0, 3)
	if _, err := os.Stat(filepath.Join(sdir, initName(7)+tmpExt)); !os.IsNotExist(err) {
		t.Fatalf("temporary init file kept: %v", err)
	}
	if gens, _ := s.Generations("a", "x"); len(gens) != 0 {
		t.Fatalf("generations %v from a temporary file", gens)
	}
	appendN(t, s, "a", "x", 3, 5)
	checkStream(t, s, "a", "x", 0, 5)
}

// TestCleanClose: after a clean Close, Open trusts the payloads (reading
// none back); damage done afterwards is bit rot, which Payload reports.
func TestCleanClose(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir})
	recs := appendN(t, s, "a", "x", 0, 10)
	s.Close()
	flip(t, streamFiles(t, dir, "x", "a", logExt)[0], recs[9].Offset+1)
	s = openStore(t, Config{Dir: dir})
	if _, err := os.Stat(filepath.Join(dir, cleanName)); !os.IsNotExist(err) {
		t.Fatalf("clean marker left while open: %v", err)
	}
	if got, _ := s.Segments("a", "x", 0, 0); len(got) != 10 {
		t.Fatalf("%d segments after a clean close, want 10", len(got))
	}
	if _, err := s.Payload("a", "x", recs[9]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Payload of a damaged segment: %v", err)
	}
}

// crashed removes the clean marker Close left, as if the process had died.
func crashed(t *testing.T, dir string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, cleanName)); err != nil {
		t.Fatalf("no clean marker after Close: %v", err)
	}
}

func truncateBy(t *testing.T, path string, n int64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()-n); err != nil {
		t.Fatal(err)
	}
}

// flip inverts the byte at off (from the end if negative).
func flip(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += int64(len(b))
	}
	b[off] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

// TestTornTailAcrossChunks: a power loss just after a chunk filled up can
// tear both the new last chunk and the end of the one before it (the
// interval policy had not synced it yet); the verified tail spans both.
// The damaged segment is set aside, the last chunk's lost index rebuilt.
func TestTornTailAcrossChunks(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Dir: dir, ChunkSize: 8 << 10}
	s := openStore(t, cfg)
	recs := appendN(t, s, "a", "x", 0, 30)
	st := s.streams[key{"x", "a"}]
	prev := st.chunks[len(st.chunks)-2]
	victim := recs[prev.first+prev.n-1] // last segment of the chunk before the last
	s.Close()
	logs := streamFiles(t, dir, "x", "a", logExt)
	flip(t, logs[len(logs)-2], victim.Offset-prev.base+3)
	os.Remove(streamFiles(t, dir, "x", "a", idxExt)[len(logs)-1])
	crashed(t, dir)
	before := chunkFiles(t, dir)

	s = openStore(t, cfg)
	checkSegments(t, s, "a", "x", without(0, 30, victim.Seq))
	checkNothingLost(t, dir, before)
	if n := len(streamFiles(t, dir, "x", "a", logExt)); n != len(logs) {
		t.Fatalf("%d chunks left, want %d", n, len(logs))
	}
	if s.Usage() != diskUsage(t, dir) {
		t.Fatalf("Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
	}
	appendN(t, s, "a", "x", 30, 40)
	s.Close()
	s = openStore(t, cfg)
	checkSegments(t, s, "a", "x", without(0, 40, victim.Seq))
}
