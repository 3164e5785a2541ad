package seed

import (
	"bytes"
	"time"

	"proctor/proto"
)

// seedFramer turns the raw fMP4 byte stream of a seed-protocol publisher
// into the binary messages a Sentinel would have sent: it reassembles the
// boxes, recognises init segments and fragments, and assigns generations,
// sequence numbers and wall-clock times itself.
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

// feed adds p to the stream and calls emit with each complete message:
// an init message only when the init bytes change (a new generation).
func (f *seedFramer) feed(p []byte, emit func(kind proto.Kind, msg []byte) error) error {
	return f.re.Feed(p, func(kind proto.Kind, unit []byte) error {
		if kind == proto.KindInit {
			return f.initSegment(unit, emit)
		}
		return f.fragment(unit, emit)
	})
}

func (f *seedFramer) initSegment(unit []byte, emit func(proto.Kind, []byte) error) error {
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
	return emit(proto.KindInit, proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: f.id, Seq: f.gen}, unit))
}

func (f *seedFramer) fragment(unit []byte, emit func(proto.Kind, []byte) error) error {
	if f.init == nil {
		return proto.NewError(proto.CodeBadPayload, "media fragment before the init segment")
	}
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
	return emit(proto.KindMedia, proto.Marshal(h, unit))
}
