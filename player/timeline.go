package player

import (
	"slices"
	"sort"
	"sync"
	"time"

	"proctor/proto"
)

// segment is one media segment on the timeline. data is nil when the
// payload is not in memory and must be fetched from the Archive.
type segment struct {
	seq   uint64
	start time.Time
	dur   time.Duration
	key   bool
	gen   uint64
	disc  bool
	live  bool // came from the live feed
	data  []byte
}

func (s segment) end() time.Time { return s.start.Add(s.dur) }

// timeline merges the live memory buffer and the Archive's segment list
// into one list ordered by sequence number (and so by time).
type timeline struct {
	memory time.Duration

	mu       sync.Mutex
	segs     []segment
	inits    map[uint64][]byte
	liveGen  uint64
	lastLive uint64
	haveLive bool
	archive  bool // keep pruned live entries (without data): the archive has them
}

func newTimeline(memory time.Duration) *timeline {
	return &timeline{memory: memory, inits: make(map[uint64][]byte)}
}

// addInit records an init segment of a generation; live media that
// follows belongs to it.
func (t *timeline) addInit(gen uint64, data []byte, live bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inits[gen] = data
	if live {
		t.liveGen = gen
	}
}

func (t *timeline) init(gen uint64) ([]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.inits[gen]
	return b, ok
}

// addLive appends a live media segment and prunes the memory buffer. It
// returns how many sequence numbers were skipped before it.
func (t *timeline) addLive(h proto.Header, data []byte) (gap uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.haveLive && h.Seq > t.lastLive+1 {
		gap = h.Seq - t.lastLive - 1
	}
	if !t.haveLive || h.Seq > t.lastLive {
		t.lastLive, t.haveLive = h.Seq, true
	}
	s := segment{
		seq:   h.Seq,
		start: time.UnixMicro(h.Time),
		dur:   time.Duration(h.Duration) * time.Microsecond,
		key:   h.Keyframe(),
		gen:   t.liveGen,
		disc:  h.Discontinuity(),
		live:  true,
		data:  data,
	}
	t.insertLocked(s)
	t.pruneLocked(s.start.Add(-t.memory))
	return gap
}

// skipLive records that the server skipped the live feed up to seq, so
// the gap is not counted again when the next segment arrives.
func (t *timeline) skipLive(seq uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.haveLive || seq > t.lastLive {
		t.lastLive, t.haveLive = seq, true
	}
}

// insertLocked puts s in sequence order; an entry with the same sequence
// is replaced only when s brings data it lacked.
func (t *timeline) insertLocked(s segment) {
	n := len(t.segs)
	if n == 0 || t.segs[n-1].seq < s.seq {
		t.segs = append(t.segs, s)
		return
	}
	i := sort.Search(n, func(i int) bool { return t.segs[i].seq >= s.seq })
	if i < n && t.segs[i].seq == s.seq {
		if t.segs[i].data == nil && s.data != nil {
			t.segs[i].data = s.data
			t.segs[i].live = true
		}
		return
	}
	t.segs = slices.Insert(t.segs, i, s)
}

// pruneLocked drops live payloads older than cutoff, but keeps everything
// from the latest keyframe at or before cutoff so the buffer always starts
// at a keyframe.
func (t *timeline) pruneLocked(cutoff time.Time) {
	keep := -1
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i].key && !t.segs[i].start.After(cutoff) && t.segs[i].data != nil {
			keep = i
			break
		}
	}
	if keep <= 0 {
		return
	}
	if !t.archive {
		t.segs = t.segs[keep:]
		return
	}
	for i := 0; i < keep && t.segs[i].data != nil; i++ {
		if t.segs[i].live {
			t.segs[i].data = nil
		}
	}
}

// mergeArchive adds the Archive's list; entries already known keep their
// in-memory data.
func (t *timeline) mergeArchive(list []proto.Segment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.archive = true
	for _, a := range list {
		t.insertLocked(segment{
			seq:   a.Sequence,
			start: a.Start,
			dur:   archiveDur(a),
			key:   a.Keyframe,
			gen:   a.Generation,
			disc:  a.Discontinuity,
		})
	}
}

// archiveDur prefers the exact microseconds and falls back to the
// contract's milliseconds.
func archiveDur(a proto.Segment) time.Duration {
	if a.DurationUS > 0 {
		return time.Duration(a.DurationUS) * time.Microsecond
	}
	return time.Duration(a.Duration) * time.Millisecond
}

// find returns the segment with sequence seq.
func (t *timeline) find(seq uint64) (segment, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := sort.Search(len(t.segs), func(i int) bool { return t.segs[i].seq >= seq })
	if i < len(t.segs) && t.segs[i].seq == seq {
		return t.segs[i], true
	}
	return segment{}, false
}

// next returns the first segment after seq; with key, the first keyframe
// segment after it.
func (t *timeline) next(seq uint64, key bool) (segment, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := sort.Search(len(t.segs), func(i int) bool { return t.segs[i].seq > seq })
	for ; i < len(t.segs); i++ {
		if !key || t.segs[i].key {
			return t.segs[i], true
		}
	}
	return segment{}, false
}

// keyAtOrBefore returns the keyframe segment at or before time at; when at
// is before everything (or zero), the first keyframe segment.
func (t *timeline) keyAtOrBefore(at time.Time) (segment, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := sort.Search(len(t.segs), func(i int) bool { return t.segs[i].start.After(at) }) - 1
	for ; i >= 0; i-- {
		if t.segs[i].key {
			return t.segs[i], true
		}
	}
	for _, s := range t.segs {
		if s.key {
			return s, true
		}
	}
	return segment{}, false
}

// newestKey returns the newest keyframe segment of the live feed.
func (t *timeline) newestKey() (segment, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i].key && t.segs[i].data != nil {
			return t.segs[i], true
		}
	}
	return segment{}, false
}

// newest returns the newest segment that has its data in memory.
func (t *timeline) newest() (segment, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i].data != nil {
			return t.segs[i], true
		}
	}
	return segment{}, false
}

// bounds returns the start of the first segment and the end of the last.
func (t *timeline) bounds() (start, end time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.segs) == 0 {
		return
	}
	return t.segs[0].start, t.segs[len(t.segs)-1].end()
}

// lastSeq reports the newest sequence on the timeline.
func (t *timeline) lastSeq() (uint64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.segs) == 0 {
		return 0, false
	}
	return t.segs[len(t.segs)-1].seq, true
}
