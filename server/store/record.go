package store

import (
	"encoding/binary"
	"hash/crc32"

	"proctor/proto"
)

// Record describes one stored media segment.
type Record struct {
	Seq        uint64      // per-Sentinel sequence number, strictly increasing in a stream
	Time       int64       // Unix microseconds of the first sample
	Duration   uint32      // microseconds
	Flags      proto.Flags // keyframe, discontinuity
	Generation uint64      // init generation the segment decodes with
	// Offset is the segment's position in the stream's logical log (bytes
	// since the stream began, across chunks); Size is its length. Both are
	// filled in by Append.
	Offset, Size int64
	// Checksum is the CRC32-C of the payload, filled in by Append; it makes
	// a strong ETag.
	Checksum uint32
	// SentinelTime is the Unix microsecond time the Sentinel stamped on the
	// segment when the server stored it at its own receive time instead
	// (the Sentinel's clock was off by more than the tolerance); 0 when
	// Time is the Sentinel's.
	SentinelTime int64
}

// End is the Unix microsecond just after the segment's last sample.
func (r Record) End() int64 { return r.Time + int64(r.Duration) }

// Keyframe reports whether the segment starts with a sync sample.
func (r Record) Keyframe() bool { return r.Flags&proto.FlagKeyframe != 0 }

// StreamInfo summarises one stored (session, sentinel) stream.
type StreamInfo struct {
	Session, Sentinel string
	Segments          int
	FirstSeq, LastSeq uint64
	Start, End        int64 // Unix microseconds: first segment's time, last segment's end
	Generations       []uint64
	Bytes             int64 // on disk: logs, indexes and init segments
}

// recordSize is the fixed size of an index record on disk.
//
//	 0 seq u64 | 8 time i64 | 16 duration u32 | 20 flags u8 | 21 version u8 | 22 zero u16
//	24 generation u64 | 32 offset i64 | 40 size i64 | 48 payload crc32c u32
//	52 sentinel time i64 (0: none; zero in records written before it) | 60 crc32c of bytes 0-59 u32
//	(little endian)
const recordSize = 64

const recordVersion = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// encodeRecord writes r into b[:recordSize].
func encodeRecord(b []byte, r Record) {
	b = b[:recordSize]
	le := binary.LittleEndian
	le.PutUint64(b[0:], r.Seq)
	le.PutUint64(b[8:], uint64(r.Time))
	le.PutUint32(b[16:], r.Duration)
	b[20] = byte(r.Flags)
	b[21] = recordVersion
	clear(b[22:24])
	le.PutUint64(b[24:], r.Generation)
	le.PutUint64(b[32:], uint64(r.Offset))
	le.PutUint64(b[40:], uint64(r.Size))
	le.PutUint32(b[48:], r.Checksum)
	le.PutUint64(b[52:], uint64(r.SentinelTime))
	le.PutUint32(b[60:], checksum(b[:60]))
}

// decodeRecord parses b[:recordSize]; ok is false when the record's own
// checksum, version or value ranges are wrong.
func decodeRecord(b []byte) (r Record, ok bool) {
	if len(b) < recordSize {
		return r, false
	}
	b = b[:recordSize]
	le := binary.LittleEndian
	if le.Uint32(b[60:]) != checksum(b[:60]) || b[21] != recordVersion {
		return r, false
	}
	r = Record{
		Seq:        le.Uint64(b[0:]),
		Time:       int64(le.Uint64(b[8:])),
		Duration:   le.Uint32(b[16:]),
		Flags:      proto.Flags(b[20]),
		Generation: le.Uint64(b[24:]),
		Offset:     int64(le.Uint64(b[32:])),
		Size:       int64(le.Uint64(b[40:])),
		Checksum:   le.Uint32(b[48:]),

		SentinelTime: int64(le.Uint64(b[52:])),
	}
	if r.Offset < 0 || r.Size < 0 {
		return r, false
	}
	return r, true
}

// entry is a Record in memory with running maxima, which keep binary searches
// by time well defined even if a Sentinel's clock stepped back.
type entry struct {
	Record
	maxTime int64 // max Time of this and all earlier entries
	maxEnd  int64 // max End() of this and all earlier entries
}

func nextEntry(prev *entry, r Record) entry {
	e := entry{Record: r, maxTime: r.Time, maxEnd: r.End()}
	if prev != nil {
		e.maxTime = max(e.maxTime, prev.maxTime)
		e.maxEnd = max(e.maxEnd, prev.maxEnd)
	}
	return e
}
