package player

import (
	"encoding/binary"

	"proctor/proto"
)

// nalLengthSize is the size of the NAL unit length prefixes of AVCC
// samples: lengthSizeMinusOne + 1 from the avcC record (4 when the
// record is too short to say, as every encoder here writes).
func nalLengthSize(avcc []byte) int {
	if len(avcc) < 5 {
		return 4
	}
	return int(avcc[4]&3) + 1
}

// disposable reports whether an AVCC sample is a picture no other
// picture refers to: its first slice NAL unit has nal_ref_idc 0 (a
// non-reference B picture, or a disposable P picture of a temporally
// layered stream). Such a picture can be left out of the decoder without
// harming any other. A sample it cannot read is not disposable.
func disposable(sample []byte, lengthSize int) bool {
	for len(sample) > lengthSize {
		var n int
		switch lengthSize {
		case 4:
			n = int(binary.BigEndian.Uint32(sample))
		case 2:
			n = int(binary.BigEndian.Uint16(sample))
		case 1:
			n = int(sample[0])
		default:
			return false
		}
		sample = sample[lengthSize:]
		if n <= 0 || n > len(sample) {
			return false
		}
		switch hdr := sample[0]; hdr & 0x1f {
		case 1, 2, 5: // coded slice, slice data partition A, IDR slice
			return hdr&0x60 == 0
		}
		sample = sample[n:]
	}
	return false
}

// seekSkipBefore returns the presentation time (track units) before which
// a seek may leave disposable samples of the current segment undecoded:
// the pictures it may show are the back+1 newest at or before the target,
// and none of the others is ever shown. Samples from index from on are
// considered; with fewer than back+1 of them at or before the target
// nothing is skipped (the seek reaches back into the previous GOP).
func (e *engine) seekSkipBefore(samples []proto.Sample, from int) int64 {
	const none = -1 << 62
	if !e.seeking {
		return none
	}
	target := e.target.UnixMicro()
	// The (back+1)-th newest presentation time at or before the target.
	bound := int64(1 << 62) // exclusive upper bound of the next search
	kth := int64(none)
	for range e.back + 1 {
		best := int64(none)
		for _, s := range samples[from:] {
			pts := s.DTS + int64(s.CTO)
			if pts < bound && pts > best && e.micros(pts) <= target {
				best = pts
			}
		}
		if best == none {
			return none
		}
		kth, bound = best, best
	}
	return kth
}
