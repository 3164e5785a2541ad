package store

import "bytes"

// framePattern is what every version 2 frame header holds at byte 21: the
// version and the magic. Scanning a log for it finds candidate headers; a
// candidate is a frame only if its record checksum holds, its offset is
// its own position in the log and its payload checksum holds, so neither
// payload bytes that happen to look like a header nor a damaged frame are
// taken for one.
var framePattern = []byte{recordV2, frameMagic & 0xff, frameMagic >> 8}

// scanFrames returns the intact frames found in data[from:to], the bytes
// of a version 2 log whose first byte is at logical offset base, in log
// order. Damaged bytes are skipped: the scan resumes at the next header.
func scanFrames(data []byte, base, from, to int64) []Record {
	to = min(to, int64(len(data)))
	var out []Record
	for p := max(from, 0); p+frameSize <= to; {
		i := bytes.Index(data[p+21:to], framePattern)
		if i < 0 {
			break
		}
		h := p + int64(i)
		if h+frameSize > to {
			break
		}
		r, v, ok := decodeRecord(data[h : h+frameSize])
		if ok && v == recordV2 && r.Offset == base+h+frameSize && r.Size <= to-h-frameSize &&
			checksum(data[h+frameSize:h+frameSize+r.Size]) == r.Checksum {
			out = append(out, r)
			p = h + frameSize + r.Size
			continue
		}
		p = h + 1
	}
	return out
}

// fillGaps scans the parts of a version 2 log that no record of kept
// covers (from logical offset from on) for frames, and returns kept with
// those it found merged in, in log order. A frame is taken only where its
// sequence fits between its neighbours' (after last if have).
func fillGaps(data []byte, base, from int64, kept []Record, last uint64, have bool) []Record {
	out := make([]Record, 0, len(kept))
	pos := from - base
	for i := 0; i <= len(kept); i++ {
		gapEnd := int64(len(data))
		var next *Record
		if i < len(kept) {
			next = &kept[i]
			gapEnd = frameStart(*next, true) - base
		}
		for _, r := range scanFrames(data, base, pos, gapEnd) {
			if (have && r.Seq <= last) || (next != nil && r.Seq >= next.Seq) {
				continue
			}
			out = append(out, r)
			last, have = r.Seq, true
		}
		if next != nil {
			out = append(out, *next)
			last, have = next.Seq, true
			pos = next.Offset + next.Size - base
		}
	}
	return out
}
