package client

import "proctor/proto"

// Media is one message of a subscription: an init segment
// (Header.Kind == proto.KindInit, Header.Seq is the generation), a media
// segment (proto.KindMedia), or a notice that segments were skipped
// (Skipped set, only Header.Sentinel filled in). The skipped segments can
// be fetched over HTTP (History.Segment).
type Media struct {
	Header proto.Header
	// Payload is the fMP4 bytes without the wire header. It aliases the
	// received message and is never reused by the Watcher: the receiver
	// may keep it but must not modify it.
	Payload []byte
	Skipped *proto.Skipped
}

// SubscriptionStats are a subscription's counters.
type SubscriptionStats struct {
	Delivered int64 // messages put on C
	Dropped   int64 // media segments dropped because C was full
	Skips     int64 // skipped notices delivered (the server's and this client's)
	Duplicate int64 // segments received again after a resume, not delivered
}

// Subscription is one Sentinel's live stream on a Watcher. C is closed
// when the subscription ends (Close, another Subscribe for the same id, or
// the Watcher stopping). Media sequences on C only grow: after a reconnect
// the stream resumes after the last one delivered (the init segment comes
// again first, usually the same generation), and anything received twice
// is dropped.
type Subscription struct {
	C  <-chan Media
	id string
	w  *Watcher
	c  chan Media

	// Guarded by w.mu.
	order       uint64  // creation order in the Watcher
	from        *uint64 // the first subscribe's resume point
	last        uint64  // last media sequence delivered or deliberately dropped
	have        bool    // last is set
	dropping    bool    // C was full: dropping until the next keyframe
	skipFrom    uint64
	skipTo      uint64
	skipping    bool   // skipFrom..skipTo is set
	pendingInit *Media // an init that arrived while dropping
	closed      bool
	stats       SubscriptionStats
}

// ID returns the subscribed Sentinel's id.
func (s *Subscription) ID() string { return s.id }

// Close ends the subscription and closes C.
func (s *Subscription) Close() { s.w.unsubscribe(s) }

// Stats returns the subscription's counters.
func (s *Subscription) Stats() SubscriptionStats {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	return s.stats
}

// resumeFrom is the "from" of a (re)subscribe: after the last segment
// delivered, or the caller's initial choice.
func (s *Subscription) resumeFrom() *uint64 {
	if s.have {
		next := s.last + 1
		return &next
	}
	return s.from
}

// close closes C once. Caller holds w.mu.
func (s *Subscription) close() {
	if !s.closed {
		s.closed = true
		close(s.c)
	}
}

// put sends m if C has room. Caller holds w.mu (the only sender).
func (s *Subscription) put(m Media) bool {
	select {
	case s.c <- m:
		s.stats.Delivered++
		if m.Skipped != nil {
			s.stats.Skips++
		}
		return true
	default:
		return false
	}
}

// skip widens the range of segments this subscriber misses.
func (s *Subscription) skip(from, to uint64) {
	if !s.skipping {
		s.skipFrom, s.skipTo, s.skipping = from, to, true
		return
	}
	s.skipFrom, s.skipTo = min(s.skipFrom, from), max(s.skipTo, to)
}

// deliver hands one received message to the subscriber without ever
// blocking: when C is full the subscription drops media up to the next
// keyframe segment, then delivers a skipped notice, the latest init if one
// came meanwhile, and that keyframe. Caller holds w.mu.
func (s *Subscription) deliver(m Media) {
	if s.closed {
		return
	}
	if m.Skipped != nil {
		if m.Skipped.From > m.Skipped.To || (s.have && m.Skipped.To <= s.last) {
			return
		}
		s.last, s.have = m.Skipped.To, true
		if s.dropping || !s.put(m) {
			s.dropping = true
			s.skip(m.Skipped.From, m.Skipped.To)
		}
		return
	}
	if m.Header.Kind == proto.KindInit {
		if s.dropping || !s.put(m) {
			s.dropping = true
			s.pendingInit = &m
		}
		return
	}
	seq := m.Header.Seq
	if s.have && seq <= s.last {
		s.stats.Duplicate++
		return
	}
	if s.dropping && m.Header.Keyframe() && s.resume(m) {
		return
	}
	if !s.dropping && s.put(m) {
		s.last, s.have = seq, true
		return
	}
	s.dropping = true
	s.stats.Dropped++
	s.skip(seq, seq)
	s.last, s.have = seq, true
}

// resume ends dropping at keyframe m if C has room for the notice, the
// pending init and m.
func (s *Subscription) resume(m Media) bool {
	need := 1
	if s.skipping {
		need++
	}
	if s.pendingInit != nil {
		need++
	}
	if cap(s.c)-len(s.c) < need {
		return false
	}
	if s.skipping {
		s.put(Media{
			Header:  proto.Header{Kind: proto.KindMedia, Sentinel: s.id},
			Skipped: &proto.Skipped{Type: proto.TypeSkipped, Sentinel: s.id, From: s.skipFrom, To: s.skipTo},
		})
	}
	if s.pendingInit != nil {
		s.put(*s.pendingInit)
	}
	s.put(m)
	s.dropping, s.skipping, s.pendingInit = false, false, nil
	s.last, s.have = m.Header.Seq, true
	return true
}
