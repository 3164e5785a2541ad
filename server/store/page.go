package store

import "sort"

// SegmentsPage is Segments for paging through a long stream: of the
// records overlapping [from, to] (to <= 0: no upper bound), those with a
// sequence of at least fromSeq, at most limit of them, in sequence order;
// more reports that at least one further record matches. It costs a
// binary search and limit copies, not a copy of the whole stream (an 8 h
// low-latency stream holds 864,000 records).
func (s *Store) SegmentsPage(session, sentinel string, from, to int64, fromSeq uint64, limit int) (recs []Record, more bool, err error) {
	st, err := s.get(session, sentinel)
	if err != nil {
		return nil, false, err
	}
	recs, more = st.page(from, to, fromSeq, limit)
	return recs, more, nil
}

func (st *stream) page(from, to int64, fromSeq uint64, limit int) ([]Record, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	es := st.entries
	i := sort.Search(len(es), func(i int) bool { return es[i].maxEnd >= from })
	if k := sort.Search(len(es), func(k int) bool { return es[k].Seq >= fromSeq }); k > i {
		i = k
	}
	j := len(es)
	if to > 0 {
		j = sort.Search(len(es), func(k int) bool { return es[k].maxTime > to })
	}
	out := make([]Record, 0, min(max(j-i, 0), limit))
	for _, e := range es[min(i, j):j] {
		if e.End() >= from && (to <= 0 || e.Time <= to) {
			if len(out) == limit {
				return out, true
			}
			out = append(out, e.Record)
		}
	}
	return out, false
}
