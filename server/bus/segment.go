package bus

import (
	"fmt"
	"strconv"

	"proctor/proto"
)

// Segment is one init or media segment as the bus carries it: the binary
// header's fields beside the fMP4 bytes, so a reader rebuilds the exact
// message a local watcher would get.
type Segment struct {
	Sentinel string
	Kind     proto.Kind
	Flags    proto.Flags
	// Seq is the media sequence (0 for init).
	Seq uint64
	// Generation is the init generation the segment belongs to.
	Generation uint64
	// Time is the wall-clock time of the first sample, Unix microseconds.
	Time int64
	// Duration in microseconds (0 for init).
	Duration uint32
	// Data is the fMP4 payload. The bus does not modify it; on the read
	// side it is a fresh copy owned by the receiver.
	Data []byte
	// Epoch is the writer's fencing number for the Sentinel (from Lease);
	// 0 writes without a fencing check. Not stored in the stream.
	Epoch int64
}

// Keyframe reports whether the segment starts with a sync sample.
func (s Segment) Keyframe() bool { return s.Flags&proto.FlagKeyframe != 0 }

// Entry is a Segment read from a stream with its entry id.
type Entry struct {
	ID string
	Segment
}

// Stream entry field names: short, they are repeated in every entry.
const (
	fKind = "k"
	fSeq  = "q"
	fGen  = "g"
	fFlag = "f"
	fTime = "t"
	fDur  = "d"
	fData = "b"
)

// decodeEntry turns a stream entry's values back into a Segment.
func decodeEntry(id string, key string, v map[string]any) (Entry, error) {
	e := Entry{ID: id}
	num := func(f string) (uint64, error) {
		s, ok := v[f].(string)
		if !ok {
			return 0, fmt.Errorf("%w: %s %s: field %q missing", ErrEntry, key, id, f)
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: %s %s: field %q: %w", ErrEntry, key, id, f, err)
		}
		return n, nil
	}
	var err error
	var k, fl, t, d uint64
	if k, err = num(fKind); err != nil {
		return e, err
	}
	if fl, err = num(fFlag); err != nil {
		return e, err
	}
	if e.Seq, err = num(fSeq); err != nil {
		return e, err
	}
	if e.Generation, err = num(fGen); err != nil {
		return e, err
	}
	if t, err = num(fTime); err != nil {
		return e, err
	}
	if d, err = num(fDur); err != nil {
		return e, err
	}
	data, ok := v[fData].(string)
	if !ok {
		return e, fmt.Errorf("%w: %s %s: field %q missing", ErrEntry, key, id, fData)
	}
	e.Kind, e.Flags, e.Time, e.Duration = proto.Kind(k), proto.Flags(fl), int64(t), uint32(d)
	if e.Kind != proto.KindInit && e.Kind != proto.KindMedia {
		return e, fmt.Errorf("%w: %s %s: kind %d", ErrEntry, key, id, k)
	}
	e.Data = []byte(data)
	return e, nil
}
