package store

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// validChunk returns the index and log bytes of a version 2 chunk at base
// 0 holding segments 0..n-1 with the payloads of the tests.
func validChunk(n int) (idx, log []byte) {
	var off int64
	for seq := range uint64(n) {
		p := payload(seq)
		r := rec(seq)
		r.Offset, r.Size, r.Checksum = off+frameSize, int64(len(p)), checksum(p)
		var b [recordSize]byte
		encodeRecord(b[:], r)
		idx = append(idx, b[:]...)
		log = append(log, b[:]...)
		log = append(log, p...)
		off = r.Offset + r.Size
	}
	return idx, log
}

// validChunkV1 is validChunk in the first stores' format: version 1
// records, bare payloads in the log.
func validChunkV1(n int) (idx, log []byte) {
	var off int64
	for seq := range uint64(n) {
		p := payload(seq)
		r := rec(seq)
		r.Offset, r.Size, r.Checksum = off, int64(len(p)), checksum(p)
		var b [recordSize]byte
		encodeRecordV1(b[:], r)
		idx = append(idx, b[:]...)
		log = append(log, p...)
		off += r.Size
	}
	return idx, log
}

// FuzzLoad feeds arbitrary index and log files to Open, which reads them
// from disk and must repair whatever does not verify: whatever it keeps
// must read back with matching checksums, nothing may be deleted (what is
// not kept is in the quarantine) and appends must continue.
func FuzzLoad(f *testing.F) {
	idx, log := validChunk(4)
	f.Add(idx, log)
	f.Add(idx[:len(idx)-7], log)
	f.Add(idx, log[:len(log)-9])
	f.Add([]byte{}, log)                                      // index lost
	f.Add(idx, append(slices.Clone(log[:300]), log[310:]...)) // bytes lost mid-log
	midFlip := slices.Clone(log)
	midFlip[len(log)/2] ^= 0x40
	f.Add(idx, midFlip)
	idxFlip := slices.Clone(idx)
	idxFlip[recordSize+5] ^= 1
	f.Add(idxFlip, log)
	f.Add([]byte{}, []byte("orphan log bytes"))
	f.Add(bytes.Repeat([]byte{0xff}, recordSize), []byte{})
	v1idx, v1log := validChunkV1(4)
	f.Add(v1idx, v1log)
	f.Add(v1idx[recordSize:], v1log)
	f.Add([]byte{}, v1log)
	f.Fuzz(func(t *testing.T, idx, log []byte) {
		dir := t.TempDir()
		sdir := filepath.Join(dir, "streams", "x", "a")
		if err := os.MkdirAll(sdir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(sdir, chunkName(0, idxExt)), idx, 0o644)
		os.WriteFile(filepath.Join(sdir, chunkName(0, logExt)), log, 0o644)
		before := chunkFiles(t, dir)
		cfg := Config{Dir: dir, VerifyTail: -1, Sync: SyncNever}
		s, err := Open(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		checkNothingLost(t, dir, before)
		recs, err := s.Segments("a", "x", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var next int64
		for i, r := range recs {
			if r.Offset < next || i > 0 && r.Seq <= recs[i-1].Seq {
				t.Fatalf("record %d kept out of line: %+v", i, r)
			}
			next = r.Offset + r.Size
			sr, err := s.Reader("a", "x", r)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(sr)
			if err != nil || checksum(b) != r.Checksum {
				t.Fatalf("record %d kept with a bad payload (%v)", i, err)
			}
		}
		if s.Usage() != diskUsage(t, dir) {
			t.Fatalf("Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
		}
		var seq uint64
		if len(recs) > 0 {
			seq = recs[len(recs)-1].Seq + 1
		}
		if seq == 0 && len(recs) > 0 {
			return // the largest sequence was kept: nothing may follow it
		}
		if _, err := s.Append("a", "x", rec(seq), []byte("more")); err != nil && !errors.Is(err, ErrSequence) {
			t.Fatal(err)
		}
	})
}
