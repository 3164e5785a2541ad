package store

import (
	"fmt"
	"io"
	"sort"
)

// Lookups run under the stream's read lock, concurrently with each other
// and between appends. Searches by time use the running maxima in each
// entry, which never decrease even if a Sentinel's clock stepped back.

// segments returns the records overlapping [from, to]; to <= 0: no bound.
func (st *stream) segments(from, to int64) []Record {
	st.mu.RLock()
	defer st.mu.RUnlock()
	es := st.entries
	i := sort.Search(len(es), func(i int) bool { return es[i].maxEnd >= from })
	j := len(es)
	if to > 0 {
		j = sort.Search(len(es), func(k int) bool { return es[k].maxTime > to })
	}
	if i >= j {
		return nil
	}
	out := make([]Record, 0, j-i)
	for _, e := range es[i:j] {
		if e.End() >= from && (to <= 0 || e.Time <= to) {
			out = append(out, e.Record)
		}
	}
	return out
}

// find returns the index of the entry with sequence seq. Caller holds st.mu.
func (st *stream) find(seq uint64) (int, bool) {
	es := st.entries
	i := sort.Search(len(es), func(i int) bool { return es[i].Seq >= seq })
	return i, i < len(es) && es[i].Seq == seq
}

// segment returns the record of sequence seq.
func (st *stream) segment(seq uint64) (Record, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	i, ok := st.find(seq)
	if !ok {
		return Record{}, false
	}
	return st.entries[i].Record, true
}

// keyframeAtOrBefore returns the newest keyframe segment starting at or
// before t.
func (st *stream) keyframeAtOrBefore(t int64) (Record, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	es := st.entries
	i := sort.Search(len(es), func(i int) bool { return es[i].maxTime > t })
	for i--; i >= 0; i-- {
		if es[i].Keyframe() && es[i].Time <= t {
			return es[i].Record, true
		}
	}
	return Record{}, false
}

// lastRecord returns the newest record.
func (st *stream) lastRecord() (Record, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if len(st.entries) == 0 {
		return Record{}, false
	}
	return st.entries[len(st.entries)-1].Record, true
}

// reader returns the payload of rec, which must be a stored record.
func (st *stream) reader(rec Record) (*io.SectionReader, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	i, ok := st.find(rec.Seq)
	if !ok || st.entries[i].Offset != rec.Offset || st.entries[i].Size != rec.Size {
		return nil, fmt.Errorf("%w: %s: segment %d", ErrNotFound, st.name(), rec.Seq)
	}
	cs := st.chunks
	k := sort.Search(len(cs), func(k int) bool { return cs[k].base > rec.Offset }) - 1
	if k < 0 || rec.Offset+rec.Size > cs[k].base+cs[k].size {
		return nil, fmt.Errorf("%w: %s: segment %d outside its chunk", ErrCorrupt, st.name(), rec.Seq)
	}
	r := &chunkReader{fc: st.files, c: cs[k], path: cs[k].path(st.dir, logExt)}
	return io.NewSectionReader(r, rec.Offset-cs[k].base, rec.Size), nil
}
