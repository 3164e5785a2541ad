package store

import (
	"slices"
	"testing"
)

// TestSegmentsPage: paging through a stream with SegmentsPage, each page
// starting after the last sequence of the one before, gives exactly what
// Segments gives, with or without a time range.
func TestSegmentsPage(t *testing.T) {
	s, err := Open(Config{Dir: t.TempDir(), Sync: SyncNever}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for seq := range uint64(25) {
		rec := Record{Seq: seq, Time: 1_000_000 + int64(seq)*100_000, Duration: 100_000, Generation: 1}
		if _, err := s.Append("s1", "cam", rec, []byte{byte(seq)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		from, to int64
		limit    int
	}{
		{"all, pages of 7", 0, 0, 7},
		{"all, one page", 0, 0, 100},
		{"range, pages of 3", 1_450_000, 2_050_000, 3},
		{"range, exact pages", 1_000_000, 1_550_000, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := s.Segments("s1", "cam", tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			var got []Record
			next := uint64(0)
			for pages := 0; ; pages++ {
				recs, more, err := s.SegmentsPage("s1", "cam", tc.from, tc.to, next, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if len(recs) > tc.limit || (more && len(recs) < tc.limit) || pages > 100 {
					t.Fatalf("page of %d (limit %d), more %v", len(recs), tc.limit, more)
				}
				got = append(got, recs...)
				if !more {
					break
				}
				next = recs[len(recs)-1].Seq + 1
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages gave %d records, Segments %d", len(got), len(want))
			}
		})
	}
	if _, _, err := s.SegmentsPage("s1", "nope", 0, 0, 0, 10); err == nil {
		t.Fatal("unknown stream: no error")
	}
}
