package hub

// Kind says what an Item carries.
type Kind uint8

// Item kinds.
const (
	ItemInit    Kind = iota + 1 // Msg is an init message
	ItemMedia                   // Msg is a media message
	ItemSkipped                 // the cursor was moved forward: From..To were not delivered
)

// Item is one thing a cursor delivers. Msg is shared: never modify it.
type Item struct {
	Kind     Kind
	Msg      []byte
	Seq      uint64 // media sequence, or init generation
	From, To uint64 // ItemSkipped: the sequences not delivered
}

// Cursor is one watcher's position in a stream. It is used by one
// goroutine; Close may be called from any.
type Cursor struct {
	s       *Stream
	wake    chan<- struct{}
	pos     uint64   // next position to deliver
	init    *initSeg // last init delivered
	nextSeq uint64   // sequence expected next, for skip reports (when track)
	track   bool     // nextSeq is set: the cursor delivered media or was given from
	owed    bool     // it lost its place: report what lies between nextSeq and where it starts
	needKey bool     // skip to a keyframe before delivering media
	resets  uint64   // the stream's Reset count this cursor has seen
	idx     int      // index in s.cursors
}

func (c *Cursor) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Subscribe opens a cursor. With from nil it starts at the latest
// keyframe in the ring, or, when the ring holds none (the byte bound
// dropped it), waits for the next one; with from set it starts at that
// sequence if the ring still holds it, else the same way, reporting the
// missed range (from up to the keyframe it starts at) first. wake
// receives a non-blocking send whenever the stream changes; one channel
// (capacity 1) may serve all the cursors of a watcher.
func (s *Stream) Subscribe(from *uint64, wake chan<- struct{}) *Cursor {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &Cursor{s: s, wake: wake, resets: s.resets}
	if from != nil {
		c.nextSeq, c.track = *from, true
		if pos, ok := s.find(*from); ok {
			c.pos = pos
			s.attach(c)
			return c
		}
	}
	c.owed = from != nil
	c.seekKey()
	s.attach(c)
	return c
}

func (s *Stream) attach(c *Cursor) {
	c.idx = len(s.cursors)
	s.cursors = append(s.cursors, c)
	c.signal()
}

// find returns the position of the first entry with sequence >= seq,
// if the ring's oldest entry is not newer than seq.
func (s *Stream) find(seq uint64) (uint64, bool) {
	if s.n == 0 || s.at(s.base).seq > seq {
		return 0, false
	}
	lo, hi := s.base, s.end()
	for lo < hi {
		mid := lo + (hi-lo)/2
		if s.at(mid).seq < seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < s.end() || seq == s.at(s.end()-1).seq+1
}

// seekKey moves c to the latest keyframe, or, when the ring holds none,
// to its end to wait for the next keyframe. s.mu is held.
func (c *Cursor) seekKey() {
	s := c.s
	if s.hasKey {
		c.pos, c.needKey = s.key, false
		return
	}
	c.pos, c.needKey = s.end(), true
}

// Next returns the next item, or ok false when the cursor has caught up
// (wait on the wake channel, then call Next again). It returns ErrClosed
// once the stream is closed.
//
// A cursor that loses its place is told every sequence it does not
// deliver, in ItemSkipped reports: when the ring drops its position (it
// moves to the newest keyframe, or waits for the next one) and, when it
// starts again at a keyframe past the sequence it expected, up to there;
// likewise one subscribed with a from the ring no longer holds; and the
// segments a relay lost before a Segment.Lost. (Any other gap in the
// Sentinel's own sequence is no skip: it was never received.)
//
// Next only reads the stream (under its read lock) and writes the
// cursor's own fields, so many watchers move at once.
func (c *Cursor) Next() (it Item, ok bool, err error) {
	s := c.s
	// Caught up: answer without the lock (the common case once a watcher
	// has written what it was woken for).
	if c.pos == s.endPos.Load() && c.resets == s.resetsPub.Load() && !s.closedPub.Load() {
		return Item{}, false, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return Item{}, false, ErrClosed
	}
	if c.resets != s.resets {
		// A new session: its first keyframe, with no skip report.
		c.resets, c.pos, c.needKey, c.track, c.owed = s.resets, s.base, true, false, false
	}
	if c.pos < s.base {
		if it, ok := c.overtaken(); ok {
			return it, true, nil
		}
	}
	for c.needKey && c.pos < s.end() && !s.at(c.pos).key {
		c.pos++
	}
	if c.pos >= s.end() {
		return Item{}, false, nil
	}
	e := s.at(c.pos)
	c.needKey = false
	if (c.owed || e.lost && c.track) && e.seq > c.nextSeq {
		it, c.nextSeq = Item{Kind: ItemSkipped, From: c.nextSeq, To: e.seq - 1}, e.seq
		return it, true, nil
	}
	if e.init != nil && e.init != c.init {
		c.init = e.init
		return Item{Kind: ItemInit, Msg: e.init.msg, Seq: e.init.gen}, true, nil
	}
	c.pos++
	c.nextSeq, c.track, c.owed = e.seq+1, true, false
	return Item{Kind: ItemMedia, Msg: e.msg, Seq: e.seq}, true, nil
}

// overtaken moves a cursor whose position the ring dropped to the newest
// keyframe (or to the end, to wait for the next one). A cursor that was
// reading is counted and told at once what it lost up to there; the rest
// (up to the keyframe it will start at) is reported when that arrives.
// s.mu is held for reading.
func (c *Cursor) overtaken() (Item, bool) {
	s := c.s
	reading := c.track && !c.needKey
	c.seekKey()
	if !reading {
		return Item{}, false // it was waiting for a keyframe anyway
	}
	s.skips.Add(1)
	c.owed = true
	var to uint64
	switch {
	case c.pos < s.end():
		to = s.at(c.pos).seq - 1
	case s.n > 0:
		to = s.at(s.end() - 1).seq
	default:
		return Item{}, false
	}
	if to < c.nextSeq {
		return Item{}, false
	}
	it := Item{Kind: ItemSkipped, From: c.nextSeq, To: to}
	c.nextSeq = to + 1
	return it, true
}

// Close detaches the cursor from its stream.
func (c *Cursor) Close() {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.idx < 0 {
		return
	}
	last := s.cursors[len(s.cursors)-1]
	s.cursors[c.idx], last.idx = last, c.idx
	s.cursors[len(s.cursors)-1] = nil
	s.cursors = s.cursors[:len(s.cursors)-1]
	c.idx = -1
}

// Stream returns the cursor's stream.
func (c *Cursor) Stream() *Stream { return c.s }
