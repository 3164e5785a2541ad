package proto

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/abema/go-mp4"
)

// box is one ISO BMFF box located in a buffer: the header starts at start,
// the payload is buf[start+hdr:end].
type box struct {
	typ   [4]byte
	start int
	hdr   int
	end   int
}

func (x box) payload(b []byte) []byte { return b[x.start+x.hdr : x.end] }
func (x box) is(t string) bool        { return string(x.typ[:]) == t }
func (x box) name() string            { return fmt.Sprintf("%q", x.typ[:]) }

// readBox reads the box header at off in b[:limit]. It checks that the box
// fits; it never reads past limit.
func readBox(b []byte, off, limit int) (box, error) {
	if limit-off < 8 {
		return box{}, fmt.Errorf("truncated box header at offset %d", off)
	}
	x := box{start: off, hdr: 8}
	copy(x.typ[:], b[off+4:off+8])
	size := uint64(binary.BigEndian.Uint32(b[off : off+4]))
	switch size {
	case 0: // to the end of the enclosing space
		size = uint64(limit - off)
	case 1:
		if limit-off < 16 {
			return box{}, fmt.Errorf("truncated large box header at offset %d", off)
		}
		size = binary.BigEndian.Uint64(b[off+8 : off+16])
		x.hdr = 16
	}
	if size < uint64(x.hdr) || size > uint64(limit-off) {
		return box{}, fmt.Errorf("box %s at offset %d: size %d does not fit in %d bytes", x.name(), off, size, limit-off)
	}
	x.end = off + int(size)
	return x, nil
}

// children lists the boxes inside payload range [from, to) of b.
func children(b []byte, from, to int, dst []box) ([]box, error) {
	for off := from; off < to; {
		x, err := readBox(b, off, to)
		if err != nil {
			return dst, err
		}
		dst = append(dst, x)
		off = x.end
	}
	return dst, nil
}

// child finds the first child of parent with type t.
func child(b []byte, parent box, t string) (box, bool, error) {
	for off := parent.start + parent.hdr; off < parent.end; {
		x, err := readBox(b, off, parent.end)
		if err != nil {
			return box{}, false, err
		}
		if x.is(t) {
			return x, true, nil
		}
		off = x.end
	}
	return box{}, false, nil
}

// unmarshal decodes the payload of x into dst with go-mp4.
func unmarshal(b []byte, x box, dst mp4.IBox) error {
	p := x.payload(b)
	if _, err := mp4.Unmarshal(bytes.NewReader(p), uint64(len(p)), dst, mp4.Context{}); err != nil {
		return fmt.Errorf("box %s: %v", x.name(), err)
	}
	return nil
}
