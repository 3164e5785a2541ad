package hub

import (
	"sync"
	"sync/atomic"
	"time"
)

// Segment is one media message as the hub keeps it.
type Segment struct {
	// Msg is the complete binary message (header and payload). The hub and
	// every watcher share it: it must not be modified after Publish.
	Msg      []byte
	Seq      uint64
	Time     int64  // Unix microseconds of the first sample
	Duration uint32 // microseconds
	Keyframe bool
	// Lost says the segments between the previous one and this one were
	// lost on the way to this hub (a relay dropped them), not skipped by
	// the Sentinel: a cursor that delivered the previous one is told them
	// in an ItemSkipped report, as when the ring drops its place.
	Lost bool
}

// initSeg is one init generation; entries point at theirs so a cursor
// knows when to send a new one.
type initSeg struct {
	gen uint64
	msg []byte
}

type entry struct {
	msg  []byte
	init *initSeg
	seq  uint64
	time int64
	dur  uint32
	key  bool
	lost bool  // Segment.Lost
	cum  int64 // sum of durations up to and including this entry, us
}

// Stats describes a stream's ring.
type Stats struct {
	Segments   int           // segments in the ring
	Bytes      int64         // their message bytes
	Span       time.Duration // sum of their durations
	FirstSeq   uint64        // oldest sequence in the ring
	LastSeq    uint64        // newest sequence (valid when Segments > 0)
	LastTime   int64         // newest segment's time, Unix us
	Generation uint64        // current init generation (0: none)
	Watchers   int           // open cursors
	Published  uint64        // segments published since start
	Skips      uint64        // times a cursor was moved forward
	// Overflows counts the times the byte bound dropped the latest
	// keyframe: the ring then held no decodable start until the next one.
	Overflows uint64
	// KeyframeAsks counts the times Publish asked for a keyframe.
	KeyframeAsks uint64
}

// Stream is one Sentinel's ring. Publish and SetInit are called by its
// single publisher; cursors read concurrently.
type Stream struct {
	id  string
	cfg Config

	published atomic.Uint64
	skips     atomic.Uint64
	overflows atomic.Uint64
	asks      atomic.Uint64

	// mu is taken for reading by cursors (Next) and for writing by
	// Publish and cursor bookkeeping, so watchers do not contend.
	mu      sync.RWMutex
	ring    []entry // circular; entries [head, head+n) hold positions [base, base+n)
	head, n int
	base    uint64 // position of the oldest entry
	bytes   int64
	cum     int64
	key     uint64    // position of the latest keyframe
	hasKey  bool      // key is in the ring (the byte bound may drop it)
	gop     int64     // bytes published since the latest keyframe, inclusive
	asked   time.Time // last keyframe request Publish reported
	init    *initSeg
	cursors []*Cursor // each knows its index, for O(1) removal
	closed  bool
	ended   bool // the publisher's session is over; the ring stays for its readers
	endedAt time.Time
	holds   int    // publishers attached: a held stream is never removed
	resets  uint64 // Reset count; cursors compare theirs

	// Mirrors for the cursors' lock-free "nothing new" check; written
	// under mu.
	endPos    atomic.Uint64
	resetsPub atomic.Uint64
	closedPub atomic.Bool
}

func newStream(id string, cfg Config) *Stream {
	return &Stream{id: id, cfg: cfg, ring: make([]entry, 16)}
}

// ID is the Sentinel id.
func (s *Stream) ID() string { return s.id }

func (s *Stream) at(pos uint64) *entry {
	return &s.ring[(s.head+int(pos-s.base))%len(s.ring)]
}

func (s *Stream) end() uint64 { return s.base + uint64(s.n) }

// SetInit makes msg (a complete init message) the init segment of
// generation gen for the segments published after it.
func (s *Stream) SetInit(gen uint64, msg []byte) {
	s.mu.Lock()
	s.ended = false
	s.init = &initSeg{gen: gen, msg: msg}
	s.mu.Unlock()
}

// Init returns the current init message and its generation.
func (s *Stream) Init() (gen uint64, msg []byte, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.init == nil {
		return 0, nil, false
	}
	return s.init.gen, s.init.msg, true
}

// Publish appends seg to the ring, drops what the window and the byte
// bound no longer allow and wakes the cursors. It never blocks on a
// watcher.
//
// It reports whether the publisher should be asked for a keyframe: the
// ring has no keyframe (the bound dropped it, or none came yet), or the
// bytes since the latest one reach half the bound, so that a new keyframe
// arrives before the bound drops the old one and joining watchers would
// have to wait. The answer is true at most once per
// Config.KeyframeRequestEvery, so a Sentinel with a huge or infinite GOP is
// not asked for every segment. Callers without a control channel ignore it.
func (s *Stream) Publish(seg Segment) (needKeyframe bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	s.ended = false
	if s.n == len(s.ring) {
		s.grow()
	}
	s.cum += int64(seg.Duration)
	pos := s.end()
	s.ring[(s.head+s.n)%len(s.ring)] = entry{
		msg: seg.Msg, init: s.init, seq: seg.Seq, time: seg.Time,
		dur: seg.Duration, key: seg.Keyframe, lost: seg.Lost, cum: s.cum,
	}
	s.n++
	s.bytes += int64(len(seg.Msg))
	if seg.Keyframe {
		s.key, s.hasKey, s.gop = pos, true, 0
	}
	s.gop += int64(len(seg.Msg))
	s.evict()
	needKeyframe = s.askKeyframe()
	s.endPos.Store(s.end())
	for _, c := range s.cursors {
		c.signal()
	}
	s.mu.Unlock()
	s.published.Add(1)
	return needKeyframe
}

// askKeyframe decides Publish's answer. s.mu is held.
func (s *Stream) askKeyframe() bool {
	if s.hasKey && s.gop < s.cfg.MaxBytes/2 {
		return false
	}
	now := s.cfg.Now()
	if !s.asked.IsZero() && now.Sub(s.asked) < s.cfg.KeyframeRequestEvery {
		return false
	}
	s.asked = now
	s.asks.Add(1)
	return true
}

func (s *Stream) grow() {
	r := make([]entry, 2*len(s.ring))
	for i := 0; i < s.n; i++ {
		r[i] = s.ring[(s.head+i)%len(s.ring)]
	}
	s.ring, s.head = r, 0
}

// evict drops the oldest entries while the rest still cover the window,
// keeping everything back to the latest keyframe; and, whatever that
// leaves, while the ring is over MaxBytes: the bound is hard, so a
// Sentinel with a huge or infinite GOP cannot exhaust memory. When the
// bound drops the latest keyframe, cursors reading newer entries go on,
// and joining ones wait for the next keyframe (see Cursor.seekKey).
func (s *Stream) evict() {
	window := s.cfg.Window.Microseconds()
	for s.n > 0 {
		if s.bytes > s.cfg.MaxBytes {
			s.dropOldest()
			continue
		}
		if s.n == 1 || (s.hasKey && s.base >= s.key) {
			return
		}
		next := s.at(s.base + 1)
		covered := s.cum - (next.cum - int64(next.dur)) // from next's start to the newest end
		if covered < window {
			return
		}
		s.dropOldest()
	}
}

func (s *Stream) dropOldest() {
	e := &s.ring[s.head]
	s.bytes -= int64(len(e.msg))
	*e = entry{}
	s.head = (s.head + 1) % len(s.ring)
	s.n--
	s.base++
	if s.hasKey && s.key < s.base {
		s.hasKey = false
		s.overflows.Add(1)
	}
	// Shrink a ring that grew for a burst, so memory follows the window.
	if len(s.ring) > 64 && s.n < len(s.ring)/4 {
		r := make([]entry, len(s.ring)/2)
		for i := 0; i < s.n; i++ {
			r[i] = s.ring[(s.head+i)%len(s.ring)]
		}
		s.ring, s.head = r, 0
	}
}

// Reset empties the ring (the session ended), keeping the cursors: they
// continue with whatever is published next.
func (s *Stream) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hasKey, s.gop = false, 0 // before dropping: a reset is no overflow
	for s.n > 0 {
		s.dropOldest()
	}
	s.init = nil
	// Every cursor notices on its next Next and waits for the next
	// session's first keyframe.
	s.resets++
	s.resetsPub.Store(s.resets)
	s.endPos.Store(s.end())
	for _, c := range s.cursors {
		c.signal()
	}
}

// End marks the publisher's session as over at now. The ring stays, so
// watchers still catching up, or reconnecting with "from" within the
// window, get every segment; Hub.Sweep drops it a window later once nobody
// reads it. Publishing again (a new session) clears the mark.
func (s *Stream) End(now time.Time) {
	s.mu.Lock()
	s.ended, s.endedAt = true, now
	s.mu.Unlock()
}

// Hold keeps the stream in its hub while a publisher is attached; Release
// undoes one Hold.
func (s *Stream) Hold() {
	s.mu.Lock()
	s.holds++
	s.mu.Unlock()
}

// Release undoes one Hold.
func (s *Stream) Release() {
	s.mu.Lock()
	s.holds--
	s.mu.Unlock()
}

// removable reports whether the hub may drop the stream at now: nobody
// publishes or reads it, and it is empty or its session ended at least
// keep ago. s.mu is held.
func (s *Stream) removable(now time.Time, keep time.Duration) bool {
	if len(s.cursors) > 0 || s.holds > 0 {
		return false
	}
	return s.n == 0 || (s.ended && !now.Before(s.endedAt.Add(keep)))
}

// Close ends the stream: cursors return ErrClosed once woken.
func (s *Stream) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.closedPub.Store(true)
	for _, c := range s.cursors {
		c.signal()
	}
}

// Stats returns the ring's current statistics.
func (s *Stream) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := Stats{Segments: s.n, Bytes: s.bytes, Watchers: len(s.cursors),
		Published: s.published.Load(), Skips: s.skips.Load(),
		Overflows: s.overflows.Load(), KeyframeAsks: s.asks.Load()}
	if s.init != nil {
		st.Generation = s.init.gen
	}
	if s.n > 0 {
		first, last := s.at(s.base), s.at(s.end()-1)
		st.FirstSeq, st.LastSeq, st.LastTime = first.seq, last.seq, last.time
		st.Span = time.Duration(last.cum-first.cum+int64(first.dur)) * time.Microsecond
	}
	return st
}
