package sentinel

import (
	"encoding/binary"
	"fmt"

	"github.com/asticode/go-astiav"

	"proctor/sentinel/fragment"
)

// muxer runs FFmpeg's mp4 muxer in fragmented mode over a custom IO whose
// write callback collects the bytes; the Sentinel cuts fragments itself
// (frag_custom: a flush ends a fragment), so a GOP segment leaves as soon
// as the next keyframe is encoded and a low-latency fragment at once.
type muxer struct {
	fc     *astiav.FormatContext
	io     *astiav.IOContext
	stream *astiav.Stream
	tb     astiav.Rational // the stream time base the muxer chose
	buf    []byte          // bytes written since the last take
	wrote  int             // packets written since the last fragment
	header bool            // the header was written, so a trailer is due
}

// movflags: an empty moov as the init segment, moof-relative data
// offsets (what MSE and most demuxers want), and fragments on demand.
const movflags = "empty_moov+default_base_moof+frag_custom"

// newMuxer starts a muxer for enc's stream and returns it with the init
// segment (ftyp+moov).
func newMuxer(enc *encoder) (*muxer, []byte, error) {
	m := &muxer{}
	fc, err := astiav.AllocOutputFormatContext(nil, "mp4", "")
	if err != nil {
		return nil, nil, fmt.Errorf("%w: mp4 muxer: %v", ErrEncoder, err)
	}
	m.fc = fc
	m.io, err = astiav.AllocIOContext(64<<10, true, nil, nil, func(b []byte) (int, error) {
		m.buf = append(m.buf, b...)
		return len(b), nil
	})
	if err != nil {
		m.close()
		return nil, nil, fmt.Errorf("%w: io context: %v", ErrEncoder, err)
	}
	fc.SetPb(m.io)
	m.stream = fc.NewStream(nil)
	if m.stream == nil {
		m.close()
		return nil, nil, fmt.Errorf("%w: new stream", ErrEncoder)
	}
	if err := m.stream.CodecParameters().FromCodecContext(enc.cc); err != nil {
		m.close()
		return nil, nil, fmt.Errorf("%w: stream parameters: %v", ErrEncoder, err)
	}
	m.stream.SetTimeBase(timeBase)
	opts := astiav.NewDictionary()
	defer opts.Free()
	_ = opts.Set("movflags", movflags, 0)
	if err := fc.WriteHeader(opts); err != nil {
		m.close()
		return nil, nil, fmt.Errorf("%w: write mp4 header: %v", ErrEncoder, err)
	}
	m.header = true
	m.tb = m.stream.TimeBase()
	m.io.Flush()
	init := m.take()
	if n := boxesComplete(init); n != len(init) || len(init) < 16 || string(init[4:8]) != "ftyp" {
		m.close()
		return nil, nil, fmt.Errorf("%w: muxer wrote no init segment (%d bytes)", ErrEncoder, len(init))
	}
	return m, init, nil
}

// write adds one encoded packet (timestamps in timeBase) to the current
// fragment.
func (m *muxer) write(pkt *astiav.Packet) error {
	pkt.SetStreamIndex(m.stream.Index())
	pkt.RescaleTs(timeBase, m.tb)
	if err := m.fc.WriteFrame(pkt); err != nil {
		return fmt.Errorf("%w: write packet: %v", ErrEncoder, err)
	}
	m.wrote++
	return nil
}

// fragment ends the current fragment and returns its bytes (moof+mdat),
// or nil when no packet was written since the last one.
func (m *muxer) fragment() ([]byte, error) {
	if m.wrote == 0 {
		return nil, nil
	}
	m.wrote = 0
	// A nil packet makes the mp4 muxer flush the fragment (frag_custom).
	if err := m.fc.WriteFrame(nil); err != nil {
		return nil, fmt.Errorf("%w: flush fragment: %v", ErrEncoder, err)
	}
	m.io.Flush()
	b := m.take()
	if n := boxesComplete(b); n != len(b) {
		return nil, fmt.Errorf("%w: fragment of %d bytes ends inside a box at %d", ErrEncoder, len(b), n)
	}
	return b, nil
}

// place sets the base decode time of fragment b to pts (timeBase units).
// The mp4 muxer numbers fragments back to back from the packet durations;
// a low-latency fragment written before the next frame's time was known
// is moved to its true time here, so a late frame leaves a gap rather
// than shifting the rest of the stream.
// For a single frame, dur (timeBase units) replaces the duration the muxer
// stretched to fill the gap.
func (m *muxer) place(b []byte, pts int64, frames int, dur int64) error {
	base, err := fragment.BaseTime(b)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrEncoder, err)
	}
	want := astiav.RescaleQ(pts, timeBase, m.tb)
	if int64(base) == want {
		return nil
	}
	if err := fragment.Rewrite(b, 0, want-int64(base)); err != nil {
		return fmt.Errorf("%w: %v", ErrEncoder, err)
	}
	if frames == 1 {
		if err := fragment.SetDuration(b, uint32(astiav.RescaleQ(dur, timeBase, m.tb))); err != nil {
			return fmt.Errorf("%w: %v", ErrEncoder, err)
		}
	}
	return nil
}

// take returns the collected bytes and starts a new buffer.
func (m *muxer) take() []byte {
	b := m.buf
	m.buf = nil
	return b
}

// close frees the muxer without writing a trailer: the mfra index it
// would append is no use to a live stream.
func (m *muxer) close() {
	if m.fc != nil {
		if m.header {
			// Frees the muxer's private state; the bytes are dropped.
			_ = m.fc.WriteTrailer()
		}
		m.fc.Free()
		m.fc = nil
	}
	if m.io != nil {
		m.io.Free()
		m.io = nil
	}
}

// boxesComplete returns the length of the longest prefix of b made of
// whole top-level boxes.
func boxesComplete(b []byte) int {
	off := 0
	for len(b)-off >= 8 {
		size := int(binary.BigEndian.Uint32(b[off:]))
		if size < 8 || size > len(b)-off {
			break
		}
		off += size
	}
	return off
}
