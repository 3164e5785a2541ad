package server

import (
	"bytes"
	"time"

	"proctor/proto"
	"proctor/server/hub"
	"proctor/server/store"
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
}

// restoreInit loads the stored init of generation gen, so a reconnecting
// Sentinel need not send it again.
func (s *Server) restoreInit(ic *publication, gen uint64) error {
	payload, err := s.store.Init(ic.session, ic.media.id, gen)
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
	ic.sn.setInitInfo(gen, info)
	return nil
}

func (sn *sentinel) setInitInfo(gen uint64, info proto.InitInfo) {
	sn.mu.Lock()
	sn.info.Generation, sn.info.Codec, sn.info.Width, sn.info.Height = gen, info.Codec, info.Width, info.Height
	sn.mu.Unlock()
}

// ingestBinary validates, stores and relays one binary message. It
// returns a *proto.Error for a fatal problem.
func (s *Server) ingestBinary(ic *publication, msg []byte) error {
	h, payload, err := proto.Decode(msg)
	if err != nil {
		return errorFor(err)
	}
	st := &ic.media
	if h.Sentinel != st.id {
		return proto.NewError(proto.CodeBadHeader, "header names sentinel %s on the connection of %s", h.Sentinel, st.id)
	}
	s.m.bytesIn.Add(int64(len(msg)))
	if h.Kind == proto.KindInit {
		return s.ingestInit(ic, h, msg, payload)
	}
	return s.ingestMedia(ic, h, msg, payload)
}

func (s *Server) ingestInit(ic *publication, h proto.Header, msg, payload []byte) error {
	st := &ic.media
	info, err := proto.ParseInit(payload)
	if err != nil {
		return errorFor(err)
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
	if err := s.store.PutInit(st.session, st.id, h.Seq, payload); err != nil {
		ic.log.Error("store init", "generation", h.Seq, "err", err)
		return proto.NewError(proto.CodeInternal, "cannot store init segment")
	}
	st.newGen = st.gen != 0
	st.gen, st.init, st.initPayload = h.Seq, &info, payload
	ic.stream.SetInit(h.Seq, msg)
	ic.sn.setInitInfo(h.Seq, info)
	s.live.changed(ic.sn)
	ic.log.Info("init segment", "generation", h.Seq, "codec", info.Codec, "width", info.Width, "height", info.Height)
	return nil
}

func (s *Server) ingestMedia(ic *publication, h proto.Header, msg, payload []byte) error {
	st := &ic.media
	if st.init == nil {
		return proto.NewError(proto.CodeSequence, "media segment %d before any init segment", h.Seq)
	}
	mi, err := proto.ParseMedia(payload, st.init, st.samples)
	if err != nil {
		return errorFor(err)
	}
	st.samples = mi.Samples
	return s.ingestParsed(ic, h, msg, payload, mi)
}

// ingestParsed stores and relays media segment msg (header h, payload)
// whose payload parsed as mi: the seed framer parses each fragment to
// build its header and hands the result here rather than have it parsed
// again.
func (s *Server) ingestParsed(ic *publication, h proto.Header, msg, payload []byte, mi proto.MediaInfo) error {
	st := &ic.media
	if mi.Keyframe != h.Keyframe() {
		return proto.NewError(proto.CodeBadHeader, "segment %d: keyframe flag %v, first sample sync %v", h.Seq, h.Keyframe(), mi.Keyframe)
	}
	if h.Seq < st.next {
		s.m.duplicates.Inc()
		ic.log.Debug("duplicate segment dropped", "seq", h.Seq, "next", st.next)
		return nil
	}
	expected := int64(1)
	flags := h.Flags
	if h.Seq > st.next {
		s.m.gaps.Inc()
		expected += int64(h.Seq - st.next)
		flags |= proto.FlagDiscontinuity
		ic.log.Warn("sequence gap", "from", st.next, "to", h.Seq-1)
	}
	if st.newGen {
		flags |= proto.FlagDiscontinuity
		st.newGen = false
	}
	msg[proto.FlagsOffset] = byte(flags)
	rec := store.Record{Seq: h.Seq, Time: h.Time, Duration: h.Duration, Flags: flags, Generation: st.gen}
	if _, err := s.store.Append(st.session, st.id, rec, payload); err != nil {
		ic.log.Error("store segment", "seq", h.Seq, "err", err)
		return proto.NewError(proto.CodeInternal, "cannot store segment %d", h.Seq)
	}
	st.next = h.Seq + 1
	if ic.stream.Publish(hub.Segment{Msg: msg, Seq: h.Seq, Time: h.Time, Duration: h.Duration, Keyframe: h.Keyframe()}) {
		// The GOP outgrows the ring's bound (the hub rate-limits this).
		ic.sn.keyframe()
	}
	s.m.segmentsIn.Inc()
	now := s.now()
	ic.sn.segment(h, len(mi.Samples), expected, now)
	if !st.opened {
		st.opened = true
		s.setState(ic.sn, st.session, proto.SessionOpen)
	}
	return nil
}

// segment updates sn's live info after a stored segment.
func (sn *sentinel) segment(h proto.Header, samples int, expected int64, now time.Time) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.received++
	sn.expected += expected
	end := time.UnixMicro(h.Time + int64(h.Duration))
	if end.After(sn.mediaEnd) {
		sn.mediaEnd = end
	}
	sn.lastSeg = now
	sn.hasSegment = true
	sn.info.LastSequence = h.Seq
	sn.info.LastTime = time.UnixMicro(h.Time).UTC()
	sn.info.State = proto.SentinelLive
	if h.Duration > 0 {
		fps := float64(samples) / (float64(h.Duration) / 1e6)
		if sn.info.FPS == 0 {
			sn.info.FPS = fps
		} else {
			sn.info.FPS += (fps - sn.info.FPS) / 8
		}
	}
}
