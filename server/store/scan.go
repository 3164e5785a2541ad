package store

import (
	"bytes"
	"os"
)

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

// headersMatch reports whether the frame headers in the log of the first
// and last records equal those records: two small reads that catch a log
// that is not the one its index describes.
func headersMatch(logPath string, base int64, first, last Record) (bool, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var got, want [frameSize]byte
	for _, r := range []Record{first, last} {
		if _, err := f.ReadAt(got[:], r.Offset-frameSize-base); err != nil {
			return false, nil
		}
		encodeRecord(want[:], r)
		if got != want {
			return false, nil
		}
	}
	return true, nil
}

// inLog reports whether an index record of a damaged version 2 chunk is
// borne out by the log (data, from logical offset base): its frame header
// is there, or at least its payload checksum holds where it says.
func inLog(data []byte, base int64, r Record) bool {
	h, end := r.Offset-frameSize-base, r.Offset+r.Size-base
	if h < 0 || end > int64(len(data)) {
		return false
	}
	var want [frameSize]byte
	encodeRecord(want[:], r)
	return string(data[h:h+frameSize]) == string(want[:]) || checksum(data[h+frameSize:end]) == r.Checksum
}
