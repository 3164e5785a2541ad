package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"proctor/proto"
	"proctor/server/store"
)

// recs builds records from a compact description: "0K1 1 2K2" is seq 0
// keyframe generation 1, seq 1 not a keyframe generation 1, seq 2
// keyframe generation 2 (the generation defaults to 1).
func recs(desc string) []store.Record {
	var out []store.Record
	for _, w := range strings.Fields(desc) {
		r := store.Record{Generation: 1, Size: 10}
		seq, gen, key := strings.Cut(w, "K")
		if key {
			r.Flags = proto.FlagKeyframe
		}
		fmt.Sscan(seq, &r.Seq)
		if gen != "" {
			fmt.Sscan(gen, &r.Generation)
		}
		out = append(out, r)
	}
	return out
}

func TestPlanSegments(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		start uint64
		want  string // sequences
		gen   uint64
		cut   string
	}{
		{"empty", "", 0, "", 0, ""},
		{"no keyframe", "0 1 2", 0, "", 0, ""},
		{"starts at the first keyframe", "0 1 2K 3 4K", 0, "2 3 4", 1, ""},
		{"start sequence", "0K 1 2K 3", 1, "2 3", 1, ""},
		{"cut at generation change", "0K 1 2K2 3", 0, "0 1", 1, "2"},
		{"starts in generation 2", "0K 1 2K2 3K2", 2, "2 3", 2, ""},
		{"gap then non-keyframes skipped", "0K 1 3 4 5K 6", 0, "0 1 5 6", 1, ""},
		{"gap onto a keyframe kept", "0K 1 3K 4", 0, "0 1 3 4", 1, ""},
		{"generation change inside a gap", "0K 2 3K2", 0, "0", 1, "3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := planSegments(recs(tc.in), tc.start)
			var got []string
			for _, r := range p.recs {
				got = append(got, fmt.Sprint(r.Seq))
			}
			cut := ""
			if p.isCut {
				cut = fmt.Sprint(p.cut)
			}
			if strings.Join(got, " ") != tc.want || p.gen != tc.gen || cut != tc.cut || p.size != int64(10*len(got)) {
				t.Fatalf("got %v gen %d cut %q size %d", got, p.gen, cut, p.size)
			}
		})
	}
}
