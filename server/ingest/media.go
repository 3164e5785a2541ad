package ingest

import (
	"bytes"
	"log/slog"
	"math"
	"time"

	"proctor/proto"
	"proctor/server/hub"
	"proctor/server/store"
	"proctor/server/wsconn"
)

// mediaState is the ingest state of one connection: where the sequence
// and the init generation stand. Owned by the reading goroutine.
type mediaState struct {
	id, session string
	next        uint64 // sequence expected next
	gen         uint64 // current init generation (0: none yet)
	init        *proto.InitInfo
	initPayload []byte
	newGen      bool // flag the next segment as a discontinuity
	opened      bool // the session was set open by this connection
	samples     []proto.Sample
	// since is the session's start on the server's clock (Unix us): no
	// honest segment of the session is older, a backlog sent after a long
	// disconnection included.
	since int64
	// end is where the last stored segment ends (Unix us): a segment the
	// server re-dates starts no earlier, so a stream's times never go back.
	end int64
}

// restoreInit loads the stored init of generation gen, so a reconnecting
// Sentinel need not send it again.
func (c *Core) restoreInit(ic *Publication, gen uint64) error {
	payload, err := c.Store.Init(ic.session, ic.media.id, gen)
	if err != nil {
		return err
	}
	info, err := proto.ParseInit(payload)
	if err != nil {
		return err
	}
	st := &ic.media
	st.gen, st.init, st.initPayload = gen, &info, payload
	if g, _, ok := ic.stream.Init(); !ok || g != gen {
		ic.stream.SetInit(gen, proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: st.id, Seq: gen}, payload))
	}
	ic.sn.SetInitInfo(gen, info)
	return nil
}

// Parsed stores and relays a message whose header h the caller built and
// whose payload it already parsed: an init segment (mi nil) or a media
// segment whose media info is mi. The seed framer builds its messages so,
// and hands them over without their being decoded and parsed again.
func (ic *Publication) Parsed(h proto.Header, msg, payload []byte, mi *proto.MediaInfo) error {
	s := ic.core
	s.Metrics.BytesIn.Add(int64(len(msg)))
	if mi == nil {
		return s.ingestInit(ic, h, msg, payload)
	}
	if ic.media.init == nil {
		return proto.NewError(proto.CodeSequence, "media segment %d before any init segment", h.Seq)
	}
	return s.ingestParsed(ic, h, msg, payload, *mi)
}

// Binary validates, stores and relays one binary message. It returns a
// *proto.Error for a fatal problem.
func (ic *Publication) Binary(msg []byte) error {
	s := ic.core
	h, payload, err := proto.Decode(msg)
	if err != nil {
		return wsconn.ErrorFor(err)
	}
	st := &ic.media
	if h.Sentinel != st.id {
		return proto.NewError(proto.CodeBadHeader, "header names sentinel %s on the connection of %s", h.Sentinel, st.id)
	}
	s.Metrics.BytesIn.Add(int64(len(msg)))
	if h.Kind == proto.KindInit {
		return s.ingestInit(ic, h, msg, payload)
	}
	return s.ingestMedia(ic, h, msg, payload)
}

func (s *Core) ingestInit(ic *Publication, h proto.Header, msg, payload []byte) error {
	st := &ic.media
	info, err := proto.ParseInit(payload)
	if err != nil {
		return wsconn.ErrorFor(err)
	}
	switch {
	case h.Seq == 0:
		return proto.NewError(proto.CodeBadHeader, "init generation 0 (generations start at 1)")
	case h.Seq < st.gen:
		return proto.NewError(proto.CodeSequence, "init generation %d after %d", h.Seq, st.gen)
	case h.Seq == st.gen:
		if !bytes.Equal(payload, st.initPayload) {
			return proto.NewError(proto.CodeSequence, "init generation %d re-sent with other bytes", h.Seq)
		}
		return nil // a resuming Sentinel re-sent what is stored
	}
	if err := s.Store.PutInit(st.session, st.id, h.Seq, payload); err != nil {
		return s.storeFailed(ic, "init segment", h.Seq, err)
	}
	st.newGen = st.gen != 0
	st.gen, st.init, st.initPayload = h.Seq, &info, payload
	ic.stream.SetInit(h.Seq, msg)
	ic.sn.SetInitInfo(h.Seq, info)
	s.Live.Changed(ic.sn)
	s.Limit.Log(ic.log, slog.LevelInfo, "init/"+st.id, "init segment", "generation", h.Seq, "codec", info.Codec, "width", info.Width, "height", info.Height)
	return nil
}

func (s *Core) ingestMedia(ic *Publication, h proto.Header, msg, payload []byte) error {
	st := &ic.media
	if st.init == nil {
		return proto.NewError(proto.CodeSequence, "media segment %d before any init segment", h.Seq)
	}
	mi, err := proto.ParseMedia(payload, st.init, st.samples)
	if err != nil {
		return wsconn.ErrorFor(err)
	}
	st.samples = mi.Samples
	return s.ingestParsed(ic, h, msg, payload, mi)
}

// ingestParsed stores and relays media segment msg (header h, payload)
// whose payload parsed as mi: the seed framer parses each fragment to
// build its header and hands the result here rather than have it parsed
// again.
func (s *Core) ingestParsed(ic *Publication, h proto.Header, msg, payload []byte, mi proto.MediaInfo) error {
	arrived := time.Now()
	st := &ic.media
	if mi.Keyframe != h.Keyframe() {
		return proto.NewError(proto.CodeBadHeader, "segment %d: keyframe flag %v, first sample sync %v", h.Seq, h.Keyframe(), mi.Keyframe)
	}
	if h.Seq == math.MaxUint64 {
		// next would wrap to 0 and hand out every number again.
		return proto.NewError(proto.CodeSequence, "sequence %d is the last one: publish into a new session", h.Seq)
	}
	if h.Seq < st.next {
		s.Metrics.Duplicates.Add(1)
		ic.log.Debug("duplicate segment dropped", "seq", h.Seq, "next", st.next)
		return nil
	}
	expected := int64(1)
	flags := h.Flags
	if h.Seq > st.next {
		s.Metrics.Gaps.Add(1)
		expected += int64(min(h.Seq-st.next, math.MaxInt64/2))
		flags |= proto.FlagDiscontinuity
		s.Limit.Log(ic.log, slog.LevelWarn, "gap/"+st.id, "sequence gap", "from", st.next, "to", h.Seq-1)
	}
	if st.newGen {
		flags |= proto.FlagDiscontinuity
		st.newGen = false
	}
	msg[proto.FlagsOffset] = byte(flags)
	now := s.Now()
	rec := store.Record{Seq: h.Seq, Time: h.Time, Duration: h.Duration, Flags: flags, Generation: st.gen}
	if s.skewed(ic, h, now) {
		// Stored, indexed and relayed at the receive time, so a wrong
		// clock cannot date a segment out of reach of retention.
		rec.SentinelTime, rec.Time = h.Time, max(now.UnixMicro(), st.end)
		h.Time = rec.Time
		setTime(msg, h)
	}
	if _, err := s.Store.Append(st.session, st.id, rec, payload); err != nil {
		return s.storeFailed(ic, "segment", h.Seq, err)
	}
	st.next = h.Seq + 1
	st.end = max(st.end, rec.Time+int64(rec.Duration))
	if ic.stream.Publish(hub.Segment{Msg: msg, Seq: h.Seq, Time: h.Time, Duration: h.Duration, Keyframe: h.Keyframe()}) {
		// The GOP outgrows the ring's bound (the hub rate-limits this).
		ic.sn.Keyframe()
	}
	if s.Metrics.IngestRelay != nil {
		s.Metrics.IngestRelay.Since(arrived)
	}
	s.Metrics.SegmentsIn.Add(1)
	ic.sn.Segment(h, len(mi.Samples), expected, now)
	if !st.opened {
		st.opened = true
		s.recordHolder(st.id)
		s.setState(ic.sn, st.session, proto.SessionOpen)
	}
	return nil
}
