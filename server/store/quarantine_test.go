package store

import (
	"os"
	"path/filepath"
	"testing"
)

// Recovery never deletes bytes (issue 10, defect 10): damage in the middle
// of a stream costs the damaged segments only, a lost index is rebuilt from
// the log, and whatever cannot be served is in the quarantine.

// damagedStore writes 60 segments in chunks of 8 KiB (five or so), closes
// the store and returns its directory, config and records.
func damagedStore(t *testing.T) (string, Config, []Record) {
	t.Helper()
	dir := t.TempDir()
	cfg := Config{Dir: dir, ChunkSize: 8 << 10}
	s := openStore(t, cfg)
	recs := appendN(t, s, "a", "x", 0, 60)
	if n := len(s.streams[key{"x", "a"}].chunks); n < 4 {
		t.Fatalf("%d chunks, want at least 4", n)
	}
	s.Close()
	return dir, cfg, recs
}

// chunkOfRec returns the paths of the log and index holding r.
func chunkOfRec(t *testing.T, dir string, r Record) (log, idx string, base int64, slot int) {
	t.Helper()
	logs := streamFiles(t, dir, "x", "a", logExt)
	for i := len(logs) - 1; i >= 0; i-- {
		b, _ := parseHex(filepath.Base(logs[i]), "", logExt)
		if int64(b) < r.Offset {
			base = int64(b)
			log, idx = logs[i], filepath.Join(filepath.Dir(logs[i]), chunkName(base, idxExt))
			break
		}
	}
	raw, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	for slot = 0; slot*recordSize < len(raw); slot++ {
		if got, _, _ := decodeRecord(raw[slot*recordSize:]); got.Seq == r.Seq {
			return log, idx, base, slot
		}
	}
	t.Fatalf("segment %d not in %s", r.Seq, idx)
	return
}

// reopenChecked reopens after a crash and checks that exactly want is
// served and nothing was deleted; then that a second Open sets nothing
// more aside and appends continue.
func reopenChecked(t *testing.T, dir string, cfg Config, want []uint64) *Store {
	t.Helper()
	crashed(t, dir)
	before := chunkFiles(t, dir)
	s := openStore(t, cfg)
	checkSegments(t, s, "a", "x", want)
	checkNothingLost(t, dir, before)
	if s.Usage() != diskUsage(t, dir) {
		t.Fatalf("Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
	}
	s.Close()
	s = openStore(t, cfg)
	checkSegments(t, s, "a", "x", want)
	if q := s.Stats().Quarantined; q != 0 {
		t.Fatalf("a second Open set aside %d files", q)
	}
	appendN(t, s, "a", "x", 60, 65)
	checkSegments(t, s, "a", "x", append(want, 60, 61, 62, 63, 64))
	return s
}

func TestMiddlePayloadDamaged(t *testing.T) {
	dir, cfg, recs := damagedStore(t)
	victim := recs[17]
	log, _, base, _ := chunkOfRec(t, dir, victim)
	flip(t, log, victim.Offset-base+victim.Size/2)
	frame := damagedFrame(t, chunkFiles(t, dir), dir, victim)
	s := reopenChecked(t, dir, cfg, without(0, 60, victim.Seq))
	if !quarantineHolds(t, dir, frame) {
		t.Fatal("the damaged segment is not in the quarantine")
	}
	_ = s
}

func TestMiddleIndexRecordDamaged(t *testing.T) {
	dir, cfg, recs := damagedStore(t)
	_, idx, _, slot := chunkOfRec(t, dir, recs[20])
	flip(t, idx, int64(slot*recordSize+3))
	reopenChecked(t, dir, cfg, without(0, 60)) // rebuilt from the log's frame header
}

func TestMiddleFrameHeaderAndIndexDamaged(t *testing.T) {
	dir, cfg, recs := damagedStore(t)
	victim := recs[21]
	log, idx, base, slot := chunkOfRec(t, dir, victim)
	flip(t, idx, int64(slot*recordSize+3))
	flip(t, log, victim.Offset-base-frameSize+9)
	frame := damagedFrame(t, chunkFiles(t, dir), dir, victim)
	reopenChecked(t, dir, cfg, without(0, 60, victim.Seq))
	if !quarantineHolds(t, dir, frame) {
		t.Fatal("the damaged frame is not in the quarantine")
	}
}

func TestMiddleIndexLost(t *testing.T) {
	dir, cfg, recs := damagedStore(t)
	_, idx, _, _ := chunkOfRec(t, dir, recs[25])
	if err := os.Remove(idx); err != nil {
		t.Fatal(err)
	}
	reopenChecked(t, dir, cfg, without(0, 60))
}

func TestMiddleLogTruncated(t *testing.T) {
	dir, cfg, recs := damagedStore(t)
	victim := recs[30]
	log, _, base, _ := chunkOfRec(t, dir, victim)
	// The log loses its end from the middle of the victim's payload: the
	// victim and the rest of that chunk are gone, later chunks are not.
	lost := map[uint64]bool{}
	for _, r := range recs {
		if r.Offset >= victim.Offset && r.Offset < base+fileSize(t, log) {
			lost[r.Seq] = true
		}
	}
	if err := os.Truncate(log, victim.Offset-base+victim.Size/2); err != nil {
		t.Fatal(err)
	}
	var skip []uint64
	for seq := range lost {
		skip = append(skip, seq)
	}
	reopenChecked(t, dir, cfg, without(0, 60, skip...))
}

// TestOverlappingChunk: a chunk named inside the range of the one before
// it (here a copy of a chunk under a wrong name) is not served, and not
// deleted either.
func TestOverlappingChunk(t *testing.T) {
	dir, cfg, recs := damagedStore(t)
	log, idx, base, _ := chunkOfRec(t, dir, recs[30])
	for src, ext := range map[string]string{log: logExt, idx: idxExt} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(filepath.Dir(src), chunkName(base-100, ext)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reopenChecked(t, dir, cfg, without(0, 60))
}

// TestLegacyStore: a chunk of the first stores' format (version 1 records,
// bare payloads) is served, a damaged record in it costs that record only,
// and appends go on in a new version 2 chunk.
func TestLegacyStore(t *testing.T) {
	dir := t.TempDir()
	sdir := filepath.Join(dir, "streams", "x", "a")
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		t.Fatal(err)
	}
	idx, log := validChunkV1(60)
	idx[7*recordSize+2] ^= 1 // segment 7's index record
	os.WriteFile(filepath.Join(sdir, chunkName(0, idxExt)), idx, 0o644)
	os.WriteFile(filepath.Join(sdir, chunkName(0, logExt)), log, 0o644)
	os.WriteFile(filepath.Join(dir, cleanName), nil, 0o644)
	cfg := Config{Dir: dir, ChunkSize: 8 << 10}
	reopenChecked(t, dir, cfg, without(0, 60, 7))
	if !quarantineHolds(t, dir, payload(7)) {
		t.Fatal("segment 7's payload is not in the quarantine")
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
