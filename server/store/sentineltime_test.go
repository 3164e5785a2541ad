package store

import (
	"os"
	"testing"
)

// TestSentinelTime (issue 10, defect 9 support): a segment the server
// re-timed keeps the Sentinel's own time, through a reopen and through an
// index rebuilt from the log.
func TestSentinelTime(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Dir: dir}
	s := openStore(t, cfg)
	for seq := range uint64(5) {
		r := rec(seq)
		if seq == 3 {
			r.SentinelTime = r.Time + 86_400_000_000 // a day ahead: stored at the server's time
		}
		if _, err := s.Append("a", "x", r, payload(seq)); err != nil {
			t.Fatal(err)
		}
	}
	want := rec(3).Time + 86_400_000_000
	check := func(s *Store) {
		t.Helper()
		for seq := range uint64(5) {
			r, err := s.Segment("a", "x", seq)
			if err != nil {
				t.Fatal(err)
			}
			if w := map[bool]int64{true: want}[seq == 3]; r.SentinelTime != w {
				t.Fatalf("segment %d: SentinelTime %d, want %d", seq, r.SentinelTime, w)
			}
		}
	}
	check(s)
	s.Close()
	s = openStore(t, cfg)
	check(s)
	s.Close()
	os.Remove(streamFiles(t, dir, "x", "a", idxExt)[0])
	crashed(t, dir)
	s = openStore(t, cfg)
	check(s)
	checkSegments(t, s, "a", "x", without(0, 5))
}
