package store

import (
	"errors"
	"io"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// faults is a Config.WrapWriter that makes writes to files with extension
// ext fail with errno while it is set, after writing half of the bytes (a
// short write, the worst case for what is left behind).
type faults struct {
	ext   string
	errno atomic.Value // syscall.Errno; 0: writes succeed
}

func (fs *faults) wrap(path string, w io.Writer) io.Writer {
	if filepath.Ext(path) != fs.ext {
		return w
	}
	return faultWriter{fs, w}
}

type faultWriter struct {
	fs *faults
	w  io.Writer
}

func (fw faultWriter) Write(p []byte) (int, error) {
	if e, _ := fw.fs.errno.Load().(syscall.Errno); e != 0 {
		n, _ := fw.w.Write(p[:len(p)/2])
		return n, e
	}
	return fw.w.Write(p)
}

// TestTransientWriteErrors (issue 10, defect 5): while writes fail with
// ENOSPC, EIO or EDQUOT, Append returns ErrUnavailable with the cause and
// Writable says so; afterwards the same segment appends, and after a
// crash nothing acknowledged is lost and nothing needs repair.
func TestTransientWriteErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		ext   string
		errno syscall.Errno
	}{
		{"log ENOSPC", logExt, syscall.ENOSPC},
		{"log EDQUOT", logExt, syscall.EDQUOT},
		{"index EIO", idxExt, syscall.EIO},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := &faults{ext: c.ext}
			fs.errno.Store(syscall.Errno(0))
			dir := t.TempDir()
			cfg := Config{Dir: dir, ChunkSize: 8 << 10, WrapWriter: fs.wrap}
			s := openStore(t, cfg)
			appendN(t, s, "a", "x", 0, 25)
			fs.errno.Store(c.errno)
			for range 3 {
				_, err := s.Append("a", "x", rec(25), payload(25))
				if !errors.Is(err, ErrUnavailable) || !errors.Is(err, c.errno) {
					t.Fatalf("Append while writes fail: %v, want ErrUnavailable and %v", err, c.errno)
				}
				if err := s.Writable(); !errors.Is(err, ErrUnavailable) {
					t.Fatalf("Writable while writes fail: %v", err)
				}
			}
			if n := s.Stats().WriteErrors; n != 3 {
				t.Fatalf("Stats().WriteErrors = %d, want 3", n)
			}
			fs.errno.Store(syscall.Errno(0))
			appendN(t, s, "a", "x", 25, 40)
			if err := s.Writable(); err != nil {
				t.Fatalf("Writable after a write succeeded: %v", err)
			}
			checkStream(t, s, "a", "x", 0, 40)
			if s.Usage() != diskUsage(t, dir) {
				t.Fatalf("Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
			}
			s.Close()
			crashed(t, dir)
			s = openStore(t, cfg)
			checkStream(t, s, "a", "x", 0, 40)
			if q := s.Stats().Quarantined; q != 0 {
				t.Fatalf("failed appends left %d things to repair", q)
			}
		})
	}
}

// freeSpace is an injected Config.FreeSpace and the number of readings.
type freeSpace struct{ free, reads atomic.Int64 }

func (f *freeSpace) read(string) (uint64, error) {
	f.reads.Add(1)
	return uint64(f.free.Load()), nil
}

// TestFreeSpaceGuard: below Config.MinFree, with no size retention, Append
// refuses new segments with ErrUnavailable and ErrLowSpace before the disk
// is full, Writable says so, and once space is back the same segment is
// taken.
func TestFreeSpaceGuard(t *testing.T) {
	var fs freeSpace
	fs.free.Store(1 << 30)
	s := openStore(t, Config{MinFree: 1 << 20, FreeSpace: fs.read, FreeSpaceEvery: time.Nanosecond})
	appendN(t, s, "a", "x", 0, 5)
	fs.free.Store(1 << 19)
	if _, err := s.Append("a", "x", rec(5), payload(5)); !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrLowSpace) {
		t.Fatalf("Append below the minimum: %v, want ErrUnavailable, ErrLowSpace", err)
	}
	if err := s.Writable(); !errors.Is(err, ErrLowSpace) {
		t.Fatalf("Writable below the minimum: %v", err)
	}
	checkStream(t, s, "a", "x", 0, 5)
	fs.free.Store(1 << 30)
	if err := s.Writable(); err != nil {
		t.Fatalf("Writable with space back: %v", err)
	}
	appendN(t, s, "a", "x", 5, 10)
	checkStream(t, s, "a", "x", 0, 10)
}

// TestFreeSpaceGuardRetains: below the minimum with size retention set,
// appends go on and retention runs at once (not at its next period).
func TestFreeSpaceGuardRetains(t *testing.T) {
	var fs freeSpace
	fs.free.Store(1 << 30)
	s := openStore(t, Config{ChunkSize: 4 << 10, MaxBytes: 20 << 10, RetainEvery: time.Hour,
		MinFree: 1 << 20, FreeSpace: fs.read, FreeSpaceEvery: time.Nanosecond})
	appendN(t, s, "a", "x", 0, 100) // about 60 KiB: over MaxBytes, no retention yet
	if s.Usage() <= 20<<10 {
		t.Fatalf("Usage() = %d before the guard, want over MaxBytes", s.Usage())
	}
	fs.free.Store(1 << 19)
	appendN(t, s, "a", "x", 100, 101)
	if err := s.Writable(); err != nil {
		t.Fatalf("Writable with size retention set: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Usage() > 20<<10 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.Usage() > 20<<10 {
		t.Fatalf("Usage() = %d: the guard did not run retention", s.Usage())
	}
}

// TestFreeSpaceReadRarely: the free space is read once per
// FreeSpaceEvery, not per append.
func TestFreeSpaceReadRarely(t *testing.T) {
	var fs freeSpace
	fs.free.Store(1 << 30)
	s := openStore(t, Config{MinFree: 1 << 20, FreeSpace: fs.read, FreeSpaceEvery: time.Hour})
	appendN(t, s, "a", "x", 0, 50)
	if n := fs.reads.Load(); n != 1 {
		t.Fatalf("free space read %d times for 50 appends, want once", n)
	}
}

// TestObservers: Config.Observe gets each Append's latency and each fsync's.
func TestObservers(t *testing.T) {
	var appends, syncs atomic.Int64
	obs := Observers{
		Append: func(time.Duration) { appends.Add(1) },
		Sync:   func(time.Duration) { syncs.Add(1) },
	}
	s := openStore(t, Config{Sync: SyncAlways, Observe: obs})
	appendN(t, s, "a", "x", 0, 5)
	if appends.Load() != 5 || syncs.Load() != 10 {
		t.Fatalf("observed %d appends, %d fsyncs; want 5, 10 (log and index each)", appends.Load(), syncs.Load())
	}
	s = openStore(t, Config{Observe: obs})
	appendN(t, s, "a", "x", 0, 5)
	syncs.Store(0)
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	if syncs.Load() != 2 {
		t.Fatalf("observed %d fsyncs for one interval sync, want 2", syncs.Load())
	}
}
