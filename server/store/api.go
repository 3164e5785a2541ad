package store

import (
	"errors"
	"fmt"
	"time"
)

// Append stores one media segment of the stream (session, sentinel),
// creating the stream on its first segment. rec.Seq must exceed the
// stream's last sequence (ErrSequence otherwise); Offset, Size and Checksum
// are filled in and the stored record returned. Durability follows
// Config.Sync. Calls for one stream must not overlap.
//
// A transient failure (a full disk, an I/O error, the free-space guard of
// Config.MinFree) returns an error wrapping ErrUnavailable, and its cause
// (errors.Is(err, syscall.ENOSPC)): nothing of the segment is left behind
// and the same segment may be appended again later.
func (s *Store) Append(session, sentinel string, rec Record, payload []byte) (Record, error) {
	var start time.Time
	if s.cfg.Observe.Append != nil {
		start = time.Now()
	}
	out, err := s.append(session, sentinel, rec, payload)
	if s.cfg.Observe.Append != nil {
		s.cfg.Observe.Append(time.Since(start))
	}
	return out, err
}

func (s *Store) append(session, sentinel string, rec Record, payload []byte) (Record, error) {
	if err := s.admit(); err != nil {
		return Record{}, err
	}
	for {
		st, err := s.create(session, sentinel)
		if err != nil {
			err = transient(err)
			s.noteWrite(err)
			return Record{}, err
		}
		out, err := st.append(rec, payload)
		if !errors.Is(err, errRemoved) {
			err = transient(err)
			s.noteWrite(err)
			return out, err
		}
		// Retention removed the stream under us, or Close ran: start over.
	}
}

// PutInit stores the init segment of generation gen of the stream,
// creating the stream if needed (a repeated generation replaces the
// earlier bytes). It is durable when PutInit returns, unless SyncNever.
func (s *Store) PutInit(session, sentinel string, gen uint64, payload []byte) error {
	for {
		st, err := s.create(session, sentinel)
		if err != nil {
			return err
		}
		if err := st.putInit(gen, payload); !errors.Is(err, errRemoved) {
			return transient(err)
		}
	}
}

// Init returns the init segment of generation gen (ErrNotFound if absent).
func (s *Store) Init(session, sentinel string, gen uint64) ([]byte, error) {
	st, err := s.get(session, sentinel)
	if err != nil {
		return nil, err
	}
	return st.readInit(gen)
}

// Generations returns the stream's stored init generations, ascending.
func (s *Store) Generations(session, sentinel string) ([]uint64, error) {
	st, err := s.get(session, sentinel)
	if err != nil {
		return nil, err
	}
	return st.generations(), nil
}

// Segments returns the records of the segments overlapping [from, to]
// (Unix microseconds; a segment covers [Time, Time+Duration]), in sequence
// order. to <= 0 means no upper bound.
func (s *Store) Segments(session, sentinel string, from, to int64) ([]Record, error) {
	st, err := s.get(session, sentinel)
	if err != nil {
		return nil, err
	}
	return st.segments(from, to), nil
}

// Segment returns the record of sequence seq (ErrNotFound if absent).
func (s *Store) Segment(session, sentinel string, seq uint64) (Record, error) {
	st, err := s.get(session, sentinel)
	if err != nil {
		return Record{}, err
	}
	rec, ok := st.segment(seq)
	if !ok {
		return Record{}, fmt.Errorf("%w: %s: segment %d", ErrNotFound, st.name(), seq)
	}
	return rec, nil
}

// KeyframeAtOrBefore returns the newest keyframe segment that starts at or
// before t (Unix microseconds): where playback of time t begins. ErrNotFound
// if there is none.
func (s *Store) KeyframeAtOrBefore(session, sentinel string, t int64) (Record, error) {
	st, err := s.get(session, sentinel)
	if err != nil {
		return Record{}, err
	}
	rec, ok := st.keyframeAtOrBefore(t)
	if !ok {
		return Record{}, fmt.Errorf("%w: %s: no keyframe at or before %d", ErrNotFound, st.name(), t)
	}
	return rec, nil
}

// Last returns the newest segment (highest sequence) of sentinel across
// all its sessions, and the session it belongs to; ok is false if none is
// stored. The server's welcome.next is rec.Seq+1.
func (s *Store) Last(sentinel string) (session string, rec Record, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for sid, st := range s.bySentinel[sentinel] {
		r, has := st.lastRecord()
		if has && (!ok || r.Seq > rec.Seq) {
			session, rec, ok = sid, r, true
		}
	}
	return session, rec, ok
}

// Payload reads rec's payload into memory and checks it against
// rec.Checksum (ErrCorrupt on a mismatch): for callers that rework the
// bytes, such as an export, rather than serve them as they are.
func (s *Store) Payload(session, sentinel string, rec Record) ([]byte, error) {
	sr, err := s.Reader(session, sentinel, rec)
	if err != nil {
		return nil, err
	}
	b := make([]byte, rec.Size)
	if _, err := sr.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("read segment %d: %w", rec.Seq, err)
	}
	if checksum(b) != rec.Checksum {
		return nil, fmt.Errorf("%w: %s/%s: segment %d fails its checksum", ErrCorrupt, sentinel, session, rec.Seq)
	}
	return b, nil
}
