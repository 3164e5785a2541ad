package proto

import (
	"encoding/binary"
	"fmt"
	"io"
)

// DefaultMaxBox bounds one top-level box in a byte stream.
const DefaultMaxBox = 64 << 20

// keepBuf is the largest reassembly buffer kept between messages.
const keepBuf = 4 << 20

// Reassembler cuts an fMP4 byte stream, delivered in pieces of any size,
// into init segments (ftyp+moov) and media fragments (moof+mdat, with any
// styp, sidx or prft boxes before the moof). It is how raw fMP4 from the
// mp4 muxer or a third-party publisher becomes segments. The zero value is
// ready to use.
type Reassembler struct {
	// MaxBox bounds a single top-level box; 0 means DefaultMaxBox.
	MaxBox int
	// Headroom is the number of spare bytes in front of every unit
	// emitted: emit's slice is Headroom bytes to fill, then the unit, in
	// one allocation, so a relay writes its message header there rather
	// than copying the unit once more behind a header. 0: the unit alone.
	Headroom int

	buf    []byte // bytes not yet emitted
	unit   int    // end of the boxes of the unit being built, in buf
	kind   Kind   // kind of the unit being built, 0: none
	inMoof bool   // a moof was seen and waits for its mdat
}

// Feed adds p to the stream and calls emit for every unit it completes, in
// order. emit owns the slice it is given (Headroom bytes, then the unit).
// Errors are final: a stream that does not parse cannot be resynchronised.
func (r *Reassembler) Feed(p []byte, emit func(kind Kind, unit []byte) error) error {
	r.buf = append(r.buf, p...)
	return r.cut(emit)
}

// FeedFrom is Feed with the bytes of src, read to its end straight into
// the stream's buffer, so a caller that receives messages as readers (a
// WebSocket) does not copy each one into a buffer of its own first. More
// than limit bytes from src are refused (ErrTooLarge) before anything of
// them is emitted.
func (r *Reassembler) FeedFrom(src io.Reader, limit int, emit func(kind Kind, unit []byte) error) error {
	start := len(r.buf)
	for {
		if len(r.buf) == cap(r.buf) {
			r.buf = append(r.buf, 0)[:len(r.buf)] // room to read into
		}
		n, err := src.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if len(r.buf)-start > limit {
			r.buf = r.buf[:start]
			return fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
		}
		if err == io.EOF {
			err = r.cut(emit)
			if len(r.buf) == 0 && cap(r.buf) > keepBuf {
				r.buf = nil // a rare huge message: do not hold its buffer
			}
			return err
		}
		if err != nil {
			r.buf = r.buf[:start]
			return err
		}
	}
}

// cut emits the complete units at the start of r.buf.
func (r *Reassembler) cut(emit func(kind Kind, unit []byte) error) error {
	max := r.MaxBox
	if max == 0 {
		max = DefaultMaxBox
	}
	for {
		rest := r.buf[r.unit:]
		if len(rest) < 8 {
			return nil
		}
		size := uint64(binary.BigEndian.Uint32(rest))
		hdr := uint64(8)
		if size == 1 {
			if len(rest) < 16 {
				return nil
			}
			size, hdr = binary.BigEndian.Uint64(rest[8:]), 16
		}
		typ := string(rest[4:8])
		if size < hdr || size > uint64(max) {
			return fmt.Errorf("%w: top-level box %q of %d bytes (limit %d)", ErrMedia, typ, size, max)
		}
		if uint64(len(rest)) < size {
			return nil
		}
		end := r.unit + int(size)
		act, err := r.add(typ)
		if err != nil {
			return err
		}
		switch act {
		case keep:
			r.unit = end
		case drop:
			r.buf = append(r.buf[:0], r.buf[end:]...)
		case complete:
			// Grown by append, the new slice is not zeroed before the copy.
			unit := append(make([]byte, r.Headroom), r.buf[:end]...)
			k := r.kind
			r.buf = append(r.buf[:0], r.buf[end:]...)
			r.unit, r.kind, r.inMoof = 0, 0, false
			if err := emit(k, unit); err != nil {
				return err
			}
		}
	}
}

// What to do with a complete top-level box.
const (
	keep     = iota // part of the unit being built
	drop            // belongs to no unit (e.g. the mfra index at the end of a file)
	complete        // completes the unit
)

// add accounts for one complete top-level box.
func (r *Reassembler) add(typ string) (int, error) {
	switch typ {
	case "ftyp":
		if r.kind != 0 {
			return 0, fmt.Errorf("%w: ftyp inside an unfinished %s segment", ErrMedia, r.kind)
		}
		r.kind = KindInit
	case "moov":
		if r.kind != KindInit {
			return 0, fmt.Errorf("%w: moov without ftyp", ErrInit)
		}
		return complete, nil
	case "styp", "sidx", "prft", "emsg":
		if r.kind == KindInit {
			return 0, fmt.Errorf("%w: %s inside the init segment", ErrInit, typ)
		}
		r.kind = KindMedia
	case "moof":
		if r.kind == KindInit || r.inMoof {
			return 0, fmt.Errorf("%w: unexpected moof", ErrMedia)
		}
		r.kind, r.inMoof = KindMedia, true
	case "mdat":
		if !r.inMoof {
			return 0, fmt.Errorf("%w: mdat without moof", ErrMedia)
		}
		return complete, nil
	case "free", "skip", "mfra", "uuid", "meta":
		if r.kind == 0 {
			return drop, nil
		}
	default:
		return 0, fmt.Errorf("%w: unexpected top-level box %q", ErrMedia, typ)
	}
	return keep, nil
}
