package store

import (
	"encoding/binary"
	"hash/crc32"
	"math"

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
	// SentinelTime is the Sentinel's own wall time of the first sample
	// (Unix microseconds) when the server stored the segment at another
	// Time (a Sentinel clock beyond tolerance); 0 means the same as Time.
	// Records of version 1 stores read back 0.
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
//	 0 seq u64 | 8 time i64 | 16 duration u32 | 20 flags u8 | 21 version u8 | 22 magic u16
//	24 generation u64 | 32 offset i64 | 40 size i64 | 48 payload crc32c u32
//	52 sentinel time i64 | 60 crc32c of bytes 0-59 u32          (little endian)
//
// Version 1 (the first stores) had zeros where version 2 has the magic and
// the sentinel time, and its logs held bare payloads. In version 2 every
// payload in the log is preceded by a copy of its own index record (a
// frame header), so the log describes itself: a lost or damaged index is
// rebuilt from it, and a damaged record is skipped by scanning for the next
// header (see scan.go). Both versions are read; only version 2 is written.
const recordSize = 64

// Record versions; frameSize is the header before each payload in a
// version 2 log.
const (
	recordV1      = 1
	recordV2      = 2
	recordVersion = recordV2
	frameSize     = recordSize
	frameMagic    = 0x5250 // "PR" at bytes 22-23, with the version at 21
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// encodeRecord writes r into b[:recordSize] as a version 2 record.
func encodeRecord(b []byte, r Record) {
	b = b[:recordSize]
	le := binary.LittleEndian
	le.PutUint64(b[0:], r.Seq)
	le.PutUint64(b[8:], uint64(r.Time))
	le.PutUint32(b[16:], r.Duration)
	b[20] = byte(r.Flags)
	b[21] = recordV2
	le.PutUint16(b[22:], frameMagic)
	le.PutUint64(b[24:], r.Generation)
	le.PutUint64(b[32:], uint64(r.Offset))
	le.PutUint64(b[40:], uint64(r.Size))
	le.PutUint32(b[48:], r.Checksum)
	le.PutUint64(b[52:], uint64(r.SentinelTime))
	le.PutUint32(b[60:], checksum(b[:60]))
}

// encodeRecordV1 writes r into b[:recordSize] as a version 1 record, as
// the first stores wrote them: recovery rewrites the index of a version 1
// chunk in its own version (its log has no frame headers).
func encodeRecordV1(b []byte, r Record) {
	encodeRecord(b, r)
	b[21] = recordV1
	clear(b[22:24])
	clear(b[52:60])
	binary.LittleEndian.PutUint32(b[60:], checksum(b[:60]))
}

// decodeRecord parses b[:recordSize] and returns its version; ok is false
// when the record's own checksum, version, magic or value ranges are wrong.
func decodeRecord(b []byte) (r Record, version byte, ok bool) {
	if len(b) < recordSize {
		return r, 0, false
	}
	b = b[:recordSize]
	le := binary.LittleEndian
	version = b[21]
	if le.Uint32(b[60:]) != checksum(b[:60]) {
		return r, 0, false
	}
	switch version {
	case recordV1:
	case recordV2:
		if le.Uint16(b[22:]) != frameMagic {
			return r, 0, false
		}
		r.SentinelTime = int64(le.Uint64(b[52:]))
	default:
		return r, 0, false
	}
	r.Seq = le.Uint64(b[0:])
	r.Time = int64(le.Uint64(b[8:]))
	r.Duration = le.Uint32(b[16:])
	r.Flags = proto.Flags(b[20])
	r.Generation = le.Uint64(b[24:])
	r.Offset = int64(le.Uint64(b[32:]))
	r.Size = int64(le.Uint64(b[40:]))
	r.Checksum = le.Uint32(b[48:])
	if r.Offset < 0 || r.Size < 0 || r.Offset > math.MaxInt64-r.Size {
		return r, 0, false
	}
	return r, version, true
}

// frameStart is where rec's bytes begin in the log: its frame header in a
// version 2 chunk, its payload in a version 1 chunk.
func frameStart(r Record, framed bool) int64 {
	if framed {
		return r.Offset - frameSize
	}
	return r.Offset
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
