package httpapi

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// maxMoof bounds the moof box read into memory to be rewritten. A moof of
// a 60 s GOP at 120 fps with every trun field present is about 115 KiB.
const maxMoof = 4 << 20

// fragmentWriter streams stored media segments into one fMP4 file after
// its init segment. Every moof's mfhd sequence number is rewritten so the
// numbers count up from 1 across the file (players reject or warn about
// fragments whose numbers go back, as happens when segments of several
// sessions or a resumed Sentinel are joined). Everything else, tfdt
// included, is copied as stored. Only moof boxes are held in memory; mdat
// payloads are copied straight through.
type fragmentWriter struct {
	w       io.Writer
	seq     uint32 // the last mfhd sequence number written
	written int64  // bytes written to w
	werr    error  // the first error of w: the client went away
	moof    []byte // scratch for one moof, reused
	copyBuf []byte // scratch for io.CopyBuffer, reused
}

// copyBufs recycles the copy buffers of finished exports.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

func newFragmentWriter(w io.Writer) *fragmentWriter {
	return &fragmentWriter{w: w, copyBuf: *copyBufs.Get().(*[]byte)}
}

// release returns the copy buffer for reuse; f is unusable afterwards.
func (f *fragmentWriter) release() {
	b := f.copyBuf
	f.copyBuf, f.moof = nil, nil
	copyBufs.Put(&b)
}

// Write writes b to the destination as is, counting it.
func (f *fragmentWriter) Write(b []byte) (int, error) {
	n, err := f.w.Write(b)
	f.written += int64(n)
	if err != nil && f.werr == nil {
		f.werr = err
	}
	return n, err
}

// write writes b (the init segment) as is.
func (f *fragmentWriter) write(b []byte) error {
	_, err := f.Write(b)
	return err
}

// copySegment copies one media segment of size bytes from r. It fails
// with ErrFragment when the boxes do not tile the segment exactly or a
// moof has no mfhd, and with the reader's or writer's error otherwise.
func (f *fragmentWriter) copySegment(r io.Reader, size int64) error {
	var hdr [16]byte
	for off := int64(0); off < size; {
		rem := size - off
		if rem < 8 {
			return fmt.Errorf("%w: %d stray bytes at offset %d", ErrFragment, rem, off)
		}
		if _, err := io.ReadFull(r, hdr[:8]); err != nil {
			return fmt.Errorf("read segment: %w", err)
		}
		hlen := int64(8)
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		switch n {
		case 0: // to the end of the segment
			n = rem
		case 1:
			if rem < 16 {
				return fmt.Errorf("%w: truncated large box header at offset %d", ErrFragment, off)
			}
			if _, err := io.ReadFull(r, hdr[8:16]); err != nil {
				return fmt.Errorf("read segment: %w", err)
			}
			hlen = 16
			large := binary.BigEndian.Uint64(hdr[8:16])
			if large > uint64(rem) {
				return fmt.Errorf("%w: box at offset %d overruns the segment", ErrFragment, off)
			}
			n = int64(large)
		}
		if n < hlen || n > rem {
			return fmt.Errorf("%w: box at offset %d has size %d, %d bytes left", ErrFragment, off, n, rem)
		}
		if string(hdr[4:8]) == "moof" {
			if err := f.copyMoof(r, hdr[:hlen], n); err != nil {
				return err
			}
		} else {
			if err := f.write(hdr[:hlen]); err != nil {
				return err
			}
			m, err := io.CopyBuffer(f, io.LimitReader(r, n-hlen), f.copyBuf)
			if err != nil {
				return err
			}
			if m != n-hlen {
				return fmt.Errorf("read segment: %w", io.ErrUnexpectedEOF)
			}
		}
		off += n
	}
	return nil
}

// copyMoof reads the rest of a moof of n bytes whose header is hdr,
// renumbers it and writes it.
func (f *fragmentWriter) copyMoof(r io.Reader, hdr []byte, n int64) error {
	if n > maxMoof {
		return fmt.Errorf("%w: moof of %d bytes", ErrFragment, n)
	}
	if int64(cap(f.moof)) < n {
		f.moof = make([]byte, n)
	}
	b := f.moof[:n]
	copy(b, hdr)
	if _, err := io.ReadFull(r, b[len(hdr):]); err != nil {
		return fmt.Errorf("read segment: %w", err)
	}
	if err := renumberMoof(b, len(hdr), f.seq+1); err != nil {
		return err
	}
	f.seq++
	return f.write(b)
}

// renumberMoof sets the sequence number of the mfhd inside moof, whose
// children start at offset hlen.
func renumberMoof(moof []byte, hlen int, seq uint32) error {
	for off := hlen; off < len(moof); {
		rem := len(moof) - off
		if rem < 8 {
			return fmt.Errorf("%w: %d stray bytes in moof", ErrFragment, rem)
		}
		h := 8
		n := uint64(binary.BigEndian.Uint32(moof[off:]))
		switch n {
		case 0:
			n = uint64(rem)
		case 1:
			if rem < 16 {
				return fmt.Errorf("%w: truncated large box header in moof", ErrFragment)
			}
			h = 16
			n = binary.BigEndian.Uint64(moof[off+8:])
		}
		if n < uint64(h) || n > uint64(rem) {
			return fmt.Errorf("%w: box in moof has size %d, %d bytes left", ErrFragment, n, rem)
		}
		if string(moof[off+4:off+8]) == "mfhd" {
			// FullBox: version and flags (4 bytes), then sequence_number.
			if n < uint64(h+8) {
				return fmt.Errorf("%w: mfhd of %d bytes", ErrFragment, n)
			}
			binary.BigEndian.PutUint32(moof[off+h+4:], seq)
			return nil
		}
		off += int(n)
	}
	return fmt.Errorf("%w: moof without mfhd", ErrFragment)
}
