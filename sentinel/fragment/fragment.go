// Package fragment reads and rewrites the timing fields of fMP4 media
// segments in place: the tfdt base media decode time of each track
// fragment and the mfhd sequence number. The Sentinel uses it to put each
// low-latency fragment at its true time; the load tool to replay one
// encoded sequence as many streams with fresh numbers and times.
package fragment

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrFormat means the bytes are not moof+mdat boxes this package can edit.
var ErrFormat = errors.New("not an editable fMP4 fragment")

type box struct {
	typ        string
	start, hdr int
	end        int
}

// next reads the box header at off within b[:limit].
func next(b []byte, off, limit int) (box, error) {
	if limit-off < 8 {
		return box{}, fmt.Errorf("%w: truncated box header at %d", ErrFormat, off)
	}
	x := box{typ: string(b[off+4 : off+8]), start: off, hdr: 8}
	size := uint64(binary.BigEndian.Uint32(b[off:]))
	switch size {
	case 0:
		size = uint64(limit - off)
	case 1:
		if limit-off < 16 {
			return box{}, fmt.Errorf("%w: truncated large box at %d", ErrFormat, off)
		}
		size, x.hdr = binary.BigEndian.Uint64(b[off+8:]), 16
	}
	if size < uint64(x.hdr) || size > uint64(limit-off) {
		return box{}, fmt.Errorf("%w: box %q at %d: size %d does not fit", ErrFormat, x.typ, off, size)
	}
	x.end = off + int(size)
	return x, nil
}

// walk calls f for every mfhd and tfdt box in the moof boxes of b.
func walk(b []byte, f func(x box) error) error {
	moofs := 0
	for off := 0; off < len(b); {
		top, err := next(b, off, len(b))
		if err != nil {
			return err
		}
		off = top.end
		if top.typ != "moof" {
			continue
		}
		moofs++
		for o := top.start + top.hdr; o < top.end; {
			c, err := next(b, o, top.end)
			if err != nil {
				return err
			}
			o = c.end
			switch c.typ {
			case "mfhd":
				if err := f(c); err != nil {
					return err
				}
			case "traf":
				for p := c.start + c.hdr; p < c.end; {
					d, err := next(b, p, c.end)
					if err != nil {
						return err
					}
					p = d.end
					if d.typ == "tfdt" || d.typ == "tfhd" || d.typ == "trun" {
						if err := f(d); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if moofs == 0 {
		return fmt.Errorf("%w: no moof", ErrFormat)
	}
	return nil
}

// tfdt returns the base media decode time of a tfdt box, and the offset
// and width of the field.
func tfdt(b []byte, x box) (v uint64, at, width int, err error) {
	p := b[x.start+x.hdr : x.end]
	switch {
	case len(p) >= 12 && p[0] == 1:
		return binary.BigEndian.Uint64(p[4:]), x.start + x.hdr + 4, 8, nil
	case len(p) >= 8 && p[0] == 0:
		return uint64(binary.BigEndian.Uint32(p[4:])), x.start + x.hdr + 4, 4, nil
	}
	return 0, 0, 0, fmt.Errorf("%w: tfdt of %d bytes, version %d", ErrFormat, len(p), firstByte(p))
}

func firstByte(p []byte) int {
	if len(p) == 0 {
		return -1
	}
	return int(p[0])
}

// BaseTime returns the base media decode time of the first track fragment.
func BaseTime(b []byte) (uint64, error) {
	var (
		base  uint64
		found bool
	)
	err := walk(b, func(x box) error {
		if x.typ != "tfdt" || found {
			return nil
		}
		v, _, _, err := tfdt(b, x)
		base, found = v, err == nil
		return err
	})
	if err == nil && !found {
		err = fmt.Errorf("%w: no tfdt", ErrFormat)
	}
	return base, err
}

// Rewrite adds delta to the tfdt of every track fragment in b and, when
// seq is not zero, sets the mfhd sequence number of every moof to seq. It
// edits b in place and fails without a partial edit when a field would
// overflow or the boxes do not parse.
func Rewrite(b []byte, seq uint32, delta int64) error {
	// First pass checks, second pass writes.
	for pass := 0; pass < 2; pass++ {
		err := walk(b, func(x box) error {
			if x.typ == "tfhd" || x.typ == "trun" {
				return nil
			}
			if x.typ == "mfhd" {
				p := b[x.start+x.hdr : x.end]
				if len(p) < 8 {
					return fmt.Errorf("%w: mfhd of %d bytes", ErrFormat, len(p))
				}
				if pass == 1 && seq != 0 {
					binary.BigEndian.PutUint32(p[4:], seq)
				}
				return nil
			}
			v, at, width, err := tfdt(b, x)
			if err != nil {
				return err
			}
			if v > 1<<62 {
				return fmt.Errorf("%w: tfdt %d out of range", ErrFormat, v)
			}
			nv := int64(v) + delta
			if nv < 0 || (width == 4 && nv > 1<<32-1) {
				return fmt.Errorf("%w: tfdt %d%+d out of range", ErrFormat, v, delta)
			}
			if pass == 1 {
				if width == 8 {
					binary.BigEndian.PutUint64(b[at:], uint64(nv))
				} else {
					binary.BigEndian.PutUint32(b[at:], uint32(nv))
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SetDuration sets the sample duration of a fragment whose samples all
// take the track fragment's default duration (what FFmpeg writes for a
// fragment of one frame) to d timescale units, in place.
func SetDuration(b []byte, d uint32) error {
	var at []int
	err := walk(b, func(x box) error {
		p := b[x.start+x.hdr : x.end]
		if len(p) < 8 {
			if x.typ == "tfhd" || x.typ == "trun" {
				return fmt.Errorf("%w: %s of %d bytes", ErrFormat, x.typ, len(p))
			}
			return nil
		}
		flags := binary.BigEndian.Uint32(p) & 0xffffff
		switch x.typ {
		case "trun":
			if flags&0x100 != 0 {
				return fmt.Errorf("%w: trun with per-sample durations", ErrFormat)
			}
		case "tfhd":
			if flags&0x08 == 0 {
				return fmt.Errorf("%w: tfhd without a default duration", ErrFormat)
			}
			off := 8
			if flags&0x01 != 0 {
				off += 8
			}
			if flags&0x02 != 0 {
				off += 4
			}
			if len(p) < off+4 {
				return fmt.Errorf("%w: tfhd of %d bytes", ErrFormat, len(p))
			}
			at = append(at, x.start+x.hdr+off)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(at) == 0 {
		return fmt.Errorf("%w: no tfhd", ErrFormat)
	}
	for _, o := range at {
		binary.BigEndian.PutUint32(b[o:], d)
	}
	return nil
}
