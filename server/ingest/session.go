package ingest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"proctor/proto"
	"proctor/server/live"
	"proctor/server/meta"
)

// newSessionID makes a session id for a Sentinel that did not name one.
func newSessionID(now time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return "s" + now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// openSession starts or continues the session of hello and returns the
// welcome: the next sequence and the last init generation stored.
func (s *Core) openSession(ic *Publication, hello *proto.Hello) (*proto.Welcome, *proto.Error) {
	ctx, cancel := ic.ctx()
	defer cancel()
	now := s.Now()
	sid := hello.Session
	if sid == "" {
		if active, err := s.Meta.ActiveSession(ctx, hello.Sentinel); err == nil {
			sid = active.ID
		} else {
			sid = newSessionID(now)
		}
	}
	sess, err := s.Meta.StartSession(ctx, sid, "", hello.Details, now)
	switch {
	case errors.Is(err, meta.ErrFinal):
		return nil, proto.NewError(proto.CodeSessionClosed, "session %s is closed", sid)
	case errors.Is(err, meta.ErrInvalid):
		return nil, proto.NewError(proto.CodeBadMessage, "%v", err)
	case err != nil:
		ic.log.Error("start session", "session", sid, "err", err)
		return nil, proto.NewError(proto.CodeInternal, "cannot start session")
	}
	if len(hello.Details) > 0 && sess.State != proto.SessionWaiting {
		if err := s.Meta.SetDetails(ctx, sid, hello.Details); err != nil {
			ic.log.Warn("set details", "session", sid, "err", err)
		}
	}
	if err := s.Meta.AttachSentinel(ctx, sid, hello.Sentinel, hello.Source); err != nil {
		if errors.Is(err, meta.ErrFinal) {
			return nil, proto.NewError(proto.CodeSessionClosed, "session %s is closed", sid)
		}
		ic.log.Error("attach sentinel", "session", sid, "err", err)
		return nil, proto.NewError(proto.CodeInternal, "cannot attach sentinel")
	}
	ic.session = sid
	st := &ic.media
	st.id, st.session = hello.Sentinel, sid
	if _, rec, ok := s.Store.Last(hello.Sentinel); ok {
		st.next = rec.Seq + 1
	}
	// The ring remembers what size retention may already have removed
	// from the store: a sequence number is never handed out twice.
	if ring := ic.stream.Stats(); ring.Segments > 0 && ring.LastSeq+1 > st.next {
		st.next = ring.LastSeq + 1
	}
	if gens, err := s.Store.Generations(sid, hello.Sentinel); err == nil && len(gens) > 0 {
		if err := s.restoreInit(ic, gens[len(gens)-1]); err != nil {
			ic.log.Error("restore init", "session", sid, "err", err)
			return nil, proto.NewError(proto.CodeInternal, "cannot read stored init segment")
		}
	}
	details := sess.Details
	if len(hello.Details) > 0 {
		details = hello.Details
	}
	ic.sn.Joined(sid, hello.Source, sess.State, details, now)
	return &proto.Welcome{Type: proto.TypeWelcome, Session: sid, Next: st.next, Generation: st.gen}, nil
}

// setState moves a session and tells watchers; errors are logged.
func (s *Core) setState(sn *live.Sentinel, sid, state string) {
	ctx, cancel := dbctx()
	defer cancel()
	if err := s.Meta.SetState(ctx, sid, state, s.Now()); err != nil {
		s.Log.Warn("session state", "session", sid, "state", state, "err", err)
		return
	}
	s.Log.Info("session state", "session", sid, "state", state)
	if sn != nil {
		sn.SetSessionState(sid, state)
		s.Live.Changed(sn)
	}
}

// endSession closes sid after its Sentinel's "end", unless another
// Sentinel still publishes into it, and unlists the Sentinel.
func (s *Core) endSession(sn *live.Sentinel, sid string) {
	for _, other := range s.Live.List() {
		if other == sn {
			continue
		}
		if osid, connected := other.Session(); connected && osid == sid {
			return
		}
	}
	s.flushProgress(sn)
	s.setState(sn, sid, proto.SessionClosed)
	s.Live.Detach(sn, sn.Publisher())
	s.Live.Unlist(sn)
}

// setDetails replaces the details of sn's session.
func (s *Core) setDetails(sn *live.Sentinel, sid string, d map[string]string) {
	ctx, cancel := dbctx()
	defer cancel()
	if err := s.Meta.SetDetails(ctx, sid, d); err != nil {
		s.Log.Warn("set details", "session", sid, "err", err)
	}
	sn.SetDetails(d)
	s.Live.Changed(sn)
}

// flushProgress writes sn's heartbeat and quality counters.
func (s *Core) flushProgress(sn *live.Sentinel) {
	pr := sn.TakeProgress()
	sid, connected := pr.Session, pr.Connected
	p := meta.Progress{Received: pr.Received, Expected: pr.Expected, MediaEnd: pr.MediaEnd}
	if sid == "" || (!connected && p.Received == 0 && p.Expected == 0) {
		return
	}
	ctx, cancel := dbctx()
	defer cancel()
	if err := s.Meta.Heartbeat(ctx, sid, s.Now(), p); err != nil && !errors.Is(err, meta.ErrFinal) {
		s.Log.Warn("heartbeat", "session", sid, "err", err)
	}
}
