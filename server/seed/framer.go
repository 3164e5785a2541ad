package seed

import (
	"bytes"
	"io"
	"time"

	"proctor/proto"
)

// seedFramer turns the raw fMP4 byte stream of a seed-protocol publisher
// into the binary messages a Sentinel would have sent: it reassembles the
// boxes, recognises init segments and fragments, and assigns generations,
// sequence numbers and wall-clock times itself.
//
// Each unit is copied once, from the reassembly buffer into a message
// buffer that starts with room for the header (proto.Reassembler's
// Headroom), and parsed once: the framer needs the fragment's times and
// keyframe flag for the header, and hands what it parsed to the ingest.
type seedFramer struct {
	id   string
	re   proto.Reassembler
	now  func() time.Time
	next uint64 // sequence of the next fragment
	gen  uint64 // current init generation
	init *proto.InitInfo
	raw  []byte // payload of the current init

	// Wall-clock mapping of media time: a fragment with decode time dts
	// starts at base + (dts-dts0)/timescale.
	based   bool
	base    time.Time
	dts0    uint64
	lastEnd time.Time // end of the previous fragment, to keep time monotonic
	samples []proto.Sample
}

// seedEmit receives each message the framer builds: its header, the whole
// message, its payload (the tail of msg) and, for a fragment, what its
// payload parsed as.
type seedEmit func(h proto.Header, msg, payload []byte, mi *proto.MediaInfo) error

// headerLen is the length of the framer's message headers.
func (f *seedFramer) headerLen() int { return proto.Header{Sentinel: f.id}.Len() }

// feedFrom reads one message of the stream from r (at most limit bytes)
// and calls emit with each complete message: an init message only when
// the init bytes change (a new generation).
func (f *seedFramer) feedFrom(r io.Reader, limit int, emit seedEmit) error {
	f.re.Headroom = f.headerLen()
	return f.re.FeedFrom(r, limit, func(kind proto.Kind, msg []byte) error {
		if kind == proto.KindInit {
			return f.initSegment(msg, emit)
		}
		return f.fragment(msg, emit)
	})
}

// initSegment frames msg, an init segment behind the header's room.
func (f *seedFramer) initSegment(msg []byte, emit seedEmit) error {
	unit := msg[f.re.Headroom:]
	info, err := proto.ParseInit(unit)
	if err != nil {
		return err
	}
	if f.init != nil && bytes.Equal(unit, f.raw) {
		return nil // the same parameters again: same generation
	}
	if f.init != nil && info.Timescale != f.init.Timescale {
		f.based = false
	}
	f.gen++
	f.init, f.raw = &info, unit
	h := proto.Header{Kind: proto.KindInit, Sentinel: f.id, Seq: f.gen}
	proto.AppendHeader(msg[:0], h)
	return emit(h, msg, unit, nil)
}

// fragment frames msg, a media fragment behind the header's room.
func (f *seedFramer) fragment(msg []byte, emit seedEmit) error {
	if f.init == nil {
		return proto.NewError(proto.CodeBadPayload, "media fragment before the init segment")
	}
	unit := msg[f.re.Headroom:]
	mi, err := proto.ParseMedia(unit, f.init, f.samples)
	if err != nil {
		return err
	}
	f.samples = mi.Samples
	ts := float64(f.init.Timescale)
	now := f.now()
	if !f.based || mi.BaseTime < f.dts0 {
		f.based, f.base, f.dts0 = true, now, mi.BaseTime
		if now.Before(f.lastEnd) {
			f.base = f.lastEnd
		}
	}
	start := f.base.Add(time.Duration(float64(mi.BaseTime-f.dts0) / ts * float64(time.Second)))
	if start.Before(f.lastEnd) {
		start = f.lastEnd
	}
	dur := time.Duration(float64(mi.Duration) / ts * float64(time.Second))
	f.lastEnd = start.Add(dur)
	var flags proto.Flags
	if mi.Keyframe {
		flags |= proto.FlagKeyframe
	}
	h := proto.Header{Kind: proto.KindMedia, Flags: flags, Sentinel: f.id, Seq: f.next,
		Time: start.UnixMicro(), Duration: uint32(dur.Microseconds())}
	f.next++
	proto.AppendHeader(msg[:0], h) // fills the headroom, in place
	return emit(h, msg, unit, &mi)
}
