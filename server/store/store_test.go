package store

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"proctor/proto"
)

func TestAppendReadBack(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir, ChunkSize: 4096})
	recs := appendN(t, s, "sess1", "sen1", 0, 100)
	for i, r := range recs {
		if r.Size != int64(len(payload(uint64(i)))) || r.Checksum != checksum(payload(uint64(i))) {
			t.Fatalf("record %d: size %d checksum %x", i, r.Size, r.Checksum)
		}
		if i > 0 && r.Offset != recs[i-1].Offset+recs[i-1].Size+frameSize {
			t.Fatalf("record %d: offset %d not contiguous", i, r.Offset)
		}
	}
	checkStream(t, s, "sess1", "sen1", 0, 100)
	if n := len(streamFiles(t, dir, "sen1", "sess1", logExt)); n < 10 {
		t.Fatalf("%d chunk files, want many with a 4 KiB chunk size", n)
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Usage(), diskUsage(t, dir); got != want {
		t.Fatalf("Usage() = %d, files hold %d", got, want)
	}
	infos := s.Streams()
	want := StreamInfo{Session: "sess1", Sentinel: "sen1", Segments: 100, FirstSeq: 0, LastSeq: 99,
		Start: t0, End: t0 + 100*100_000, Bytes: s.Usage()}
	if len(infos) != 1 || len(infos[0].Generations) != 0 {
		t.Fatalf("Streams() = %+v", infos)
	}
	infos[0].Generations = nil
	if !reflect.DeepEqual(infos[0], want) {
		t.Fatalf("Streams() = %+v, want %+v", infos[0], want)
	}
}

func TestLookups(t *testing.T) {
	s := openStore(t, Config{ChunkSize: 8192})
	appendN(t, s, "a", "x", 10, 60) // times t0+1.0 s .. t0+6.0 s, keyframes at 10, 15, ...
	ms := func(v int64) int64 { return t0 + v*1000 }
	segs := []struct {
		name     string
		from, to int64
		first    uint64
		n        int
	}{
		{"all", 0, 0, 10, 50},
		{"inside one", ms(1250), ms(1260), 12, 1},
		{"boundary touches two", ms(1300), ms(1300), 12, 2},
		{"open end", ms(5800), 0, 57, 3},
		{"before all", 0, ms(900), 0, 0},
		{"after all", ms(7000), 0, 0, 0},
		{"span", ms(2050), ms(2450), 20, 5},
	}
	for _, c := range segs {
		t.Run("segments/"+c.name, func(t *testing.T) {
			got, err := s.Segments("a", "x", c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.n || c.n > 0 && got[0].Seq != c.first {
				t.Fatalf("got %d segments from %v, want %d from %d", len(got), got, c.n, c.first)
			}
		})
	}
	kf := []struct {
		name string
		t    int64
		seq  uint64
		err  error
	}{
		{"on keyframe", ms(1500), 15, nil},
		{"between", ms(1999), 15, nil},
		{"after end", ms(99999), 55, nil},
		{"first", ms(1000), 10, nil},
		{"before first", ms(999), 0, ErrNotFound},
	}
	for _, c := range kf {
		t.Run("keyframe/"+c.name, func(t *testing.T) {
			r, err := s.KeyframeAtOrBefore("a", "x", c.t)
			if !errors.Is(err, c.err) || err == nil && r.Seq != c.seq {
				t.Fatalf("got %d, %v; want %d, %v", r.Seq, err, c.seq, c.err)
			}
		})
	}
	if r, err := s.Segment("a", "x", 33); err != nil || r.Seq != 33 || r.Time != rec(33).Time {
		t.Fatalf("Segment(33) = %+v, %v", r, err)
	}
	for _, seq := range []uint64{0, 9, 60, 1 << 40} {
		if _, err := s.Segment("a", "x", seq); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Segment(%d): %v, want ErrNotFound", seq, err)
		}
	}
	if _, err := s.Segments("nope", "x", 0, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown stream: %v", err)
	}
}

func TestSequence(t *testing.T) {
	s := openStore(t, Config{})
	appendN(t, s, "a", "x", 5, 7)
	for _, seq := range []uint64{6, 5, 0} {
		if _, err := s.Append("a", "x", rec(seq), payload(seq)); !errors.Is(err, ErrSequence) {
			t.Fatalf("Append %d: %v, want ErrSequence", seq, err)
		}
	}
	appendN(t, s, "a", "x", 9, 10) // a gap is the caller's business
	checkStreamSeqs(t, s, "a", "x", []uint64{5, 6, 9})
}

func checkStreamSeqs(t *testing.T, s *Store, session, sentinel string, want []uint64) {
	t.Helper()
	recs, err := s.Segments(session, sentinel, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []uint64
	for _, r := range recs {
		got = append(got, r.Seq)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sequences %v, want %v", got, want)
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir})
	for _, g := range []uint64{2, 1} {
		if err := s.PutInit("a", "x", g, []byte(strings.Repeat("i", int(g)*10))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutInit("a", "x", 2, []byte("replaced")); err != nil {
		t.Fatal(err)
	}
	check := func(s *Store) {
		t.Helper()
		if gens, err := s.Generations("a", "x"); err != nil || !slices.Equal(gens, []uint64{1, 2}) {
			t.Fatalf("Generations = %v, %v", gens, err)
		}
		if b, err := s.Init("a", "x", 2); err != nil || string(b) != "replaced" {
			t.Fatalf("Init(2) = %q, %v", b, err)
		}
		if _, err := s.Init("a", "x", 3); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Init(3): %v", err)
		}
		if s.Usage() != diskUsage(t, dir) {
			t.Fatalf("Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
		}
	}
	check(s)
	s.Close()
	check(openStore(t, Config{Dir: dir}))
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir, ChunkSize: 5000, Sync: SyncAlways})
	appendN(t, s, "a", "x", 0, 40)
	appendN(t, s, "b", "x", 40, 45)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.Append("a", "x", rec(50), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	if _, err := s.Segments("a", "x", 0, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Segments after Close: %v", err)
	}
	if _, err := s.Retain(t0Time()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Retain after Close: %v", err)
	}
	s = openStore(t, Config{Dir: dir, ChunkSize: 5000})
	checkStream(t, s, "a", "x", 0, 40)
	checkStream(t, s, "b", "x", 40, 45)
	if _, err := s.Append("a", "x", rec(39), payload(39)); !errors.Is(err, ErrSequence) {
		t.Fatalf("Append of a stored sequence after reopen: %v", err)
	}
	appendN(t, s, "a", "x", 40, 60)
	checkStream(t, s, "a", "x", 0, 60)
	if s.Usage() != diskUsage(t, dir) {
		t.Fatalf("Usage() = %d, files hold %d", s.Usage(), diskUsage(t, dir))
	}
}

func TestLast(t *testing.T) {
	s := openStore(t, Config{})
	if _, _, ok := s.Last("x"); ok {
		t.Fatal("Last of an empty store")
	}
	appendN(t, s, "s1", "x", 0, 10)
	appendN(t, s, "s2", "x", 10, 12)
	appendN(t, s, "s3", "y", 100, 101)
	if err := s.PutInit("s4", "x", 1, []byte("init only")); err != nil {
		t.Fatal(err)
	}
	if sid, r, ok := s.Last("x"); !ok || sid != "s2" || r.Seq != 11 {
		t.Fatalf("Last(x) = %q %d %v", sid, r.Seq, ok)
	}
	if sid, r, ok := s.Last("y"); !ok || sid != "s3" || r.Seq != 100 {
		t.Fatalf("Last(y) = %q %d %v", sid, r.Seq, ok)
	}
	if _, _, ok := s.Last("z"); ok {
		t.Fatal("Last(z) found something")
	}
}

func TestBadIDs(t *testing.T) {
	s := openStore(t, Config{})
	bad := map[string]string{
		"empty": "", "dotdot": "../etc", "slash": "a/b", "space": "a b", "unicode": "caf\u00e9",
		"65 chars": strings.Repeat("a", 65), "dot": ".", "nul": "a\x00",
	}
	for name, id := range bad {
		t.Run(name, func(t *testing.T) {
			for _, ids := range [][2]string{{id, "ok"}, {"ok", id}} {
				_, err1 := s.Append(ids[0], ids[1], rec(1), payload(1))
				err2 := s.PutInit(ids[0], ids[1], 1, []byte("x"))
				_, err3 := s.Segments(ids[0], ids[1], 0, 0)
				_, err4 := s.Reader(ids[0], ids[1], Record{})
				for i, err := range []error{err1, err2, err3, err4} {
					if !errors.Is(err, ErrInvalid) {
						t.Errorf("call %d with %q/%q: %v, want ErrInvalid", i, ids[0], ids[1], err)
					}
				}
			}
		})
	}
	if len(s.Streams()) != 0 {
		t.Fatalf("streams created: %+v", s.Streams())
	}
	if !proto.ValidID(strings.Repeat("a", 64)) {
		t.Fatal("64 chars should be valid")
	}
}

func TestConfigValidate(t *testing.T) {
	cases := map[string]struct {
		cfg Config
		ok  bool
	}{
		"defaults":     {Config{Dir: "d"}, true},
		"no dir":       {Config{}, false},
		"bad policy":   {Config{Dir: "d", Sync: "sometimes"}, false},
		"negative age": {Config{Dir: "d", MaxAge: -1}, false},
		"verify all":   {Config{Dir: "d", VerifyTail: -1}, true},
	}
	for name, c := range cases {
		err := c.cfg.Validate()
		if (err == nil) != c.ok || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	c := Config{Dir: "d"}
	c.Validate()
	if c.Sync != SyncInterval || c.SyncInterval != DefaultSyncInterval || c.ChunkSize != DefaultChunkSize {
		t.Errorf("defaults not filled: %+v", c)
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, Config{Dir: dir})
	if _, err := Open(Config{Dir: dir}, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	s.Close()
	openStore(t, Config{Dir: dir}).Close()
}
