package proto

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// Binary header constants (see docs/protocol.md).
const (
	Magic   = 0x50
	Version = 1

	// HeaderFixedLen is the header length without the sentinel id.
	HeaderFixedLen = 26
)

// Kind says what a binary message carries.
type Kind uint8

// Message kinds.
const (
	KindInit  Kind = 1
	KindMedia Kind = 2
)

func (k Kind) String() string {
	switch k {
	case KindInit:
		return "init"
	case KindMedia:
		return "media"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Flags of a binary message.
type Flags uint8

// Flag bits.
const (
	// FlagKeyframe: the first sample of the segment is a sync sample.
	FlagKeyframe Flags = 1 << 0
	// FlagDiscontinuity: the first segment after a gap or a new init generation.
	FlagDiscontinuity Flags = 1 << 1
)

// FlagsOffset is the byte offset of the flags field, so a relay can set a
// flag in a received message in place.
const FlagsOffset = 3

// Header is the fixed part of every binary media message.
type Header struct {
	Kind  Kind
	Flags Flags
	// Sentinel is the publishing Sentinel's id. After Decode it aliases the
	// decoded buffer, which must then not be modified.
	Sentinel string
	// Seq is the media sequence number, or the init generation.
	Seq uint64
	// Time is the wall-clock time of the first sample, Unix microseconds.
	Time int64
	// Duration of the segment in microseconds (0 for init).
	Duration uint32
}

// Keyframe reports whether the keyframe flag is set.
func (h Header) Keyframe() bool { return h.Flags&FlagKeyframe != 0 }

// Discontinuity reports whether the discontinuity flag is set.
func (h Header) Discontinuity() bool { return h.Flags&FlagDiscontinuity != 0 }

// Len is the encoded length of h.
func (h Header) Len() int { return HeaderFixedLen + len(h.Sentinel) }

// AppendHeader appends the encoding of h to dst.
func AppendHeader(dst []byte, h Header) []byte {
	dst = append(dst, Magic, Version, byte(h.Kind), byte(h.Flags))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(h.Sentinel)))
	dst = append(dst, h.Sentinel...)
	dst = binary.BigEndian.AppendUint64(dst, h.Seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(h.Time))
	dst = binary.BigEndian.AppendUint32(dst, h.Duration)
	return dst
}

// Marshal returns a complete binary message: the header then the payload.
func Marshal(h Header, payload []byte) []byte {
	b := make([]byte, 0, h.Len()+len(payload))
	b = AppendHeader(b, h)
	return append(b, payload...)
}

// Decode parses the header at the start of msg and returns it with the
// payload that follows. It allocates nothing: the returned Sentinel and
// payload alias msg. Errors wrap ErrHeader.
func Decode(msg []byte) (Header, []byte, error) {
	var h Header
	if len(msg) < HeaderFixedLen {
		return h, nil, fmt.Errorf("%w: %d bytes, need at least %d", ErrHeader, len(msg), HeaderFixedLen)
	}
	if msg[0] != Magic {
		return h, nil, fmt.Errorf("%w: magic 0x%02x, want 0x%02x", ErrHeader, msg[0], Magic)
	}
	if msg[1] != Version {
		return h, nil, fmt.Errorf("%w: version %d, want %d", ErrHeader, msg[1], Version)
	}
	h.Kind = Kind(msg[2])
	if h.Kind != KindInit && h.Kind != KindMedia {
		return h, nil, fmt.Errorf("%w: unknown kind %d", ErrHeader, msg[2])
	}
	h.Flags = Flags(msg[3])
	if h.Flags&^(FlagKeyframe|FlagDiscontinuity) != 0 {
		return h, nil, fmt.Errorf("%w: unknown flags 0x%02x", ErrHeader, msg[3])
	}
	n := int(binary.BigEndian.Uint16(msg[4:6]))
	if n == 0 || n > MaxIDLen {
		return h, nil, fmt.Errorf("%w: sentinel id length %d", ErrHeader, n)
	}
	if len(msg) < HeaderFixedLen+n {
		return h, nil, fmt.Errorf("%w: truncated: %d bytes, header needs %d", ErrHeader, len(msg), HeaderFixedLen+n)
	}
	id := msg[6 : 6+n]
	h.Sentinel = unsafe.String(&id[0], n)
	if !ValidID(h.Sentinel) {
		return Header{}, nil, fmt.Errorf("%w: %w: sentinel id in header", ErrHeader, ErrID)
	}
	p := msg[6+n:]
	h.Seq = binary.BigEndian.Uint64(p[0:8])
	h.Time = int64(binary.BigEndian.Uint64(p[8:16]))
	h.Duration = binary.BigEndian.Uint32(p[16:20])
	return h, msg[HeaderFixedLen+n:], nil
}
