package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"proctor/proto"
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
func (s *Server) openSession(ic *publication, hello *proto.Hello) (*proto.Welcome, *proto.Error) {
	ctx, cancel := ic.ctx()
	defer cancel()
	now := s.now()
	sid := hello.Session
	if sid == "" {
		if active, err := s.meta.ActiveSession(ctx, hello.Sentinel); err == nil {
			sid = active.ID
		} else {
			sid = newSessionID(now)
		}
	}
	sess, err := s.meta.StartSession(ctx, sid, "", hello.Details, now)
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
		if err := s.meta.SetDetails(ctx, sid, hello.Details); err != nil {
			ic.log.Warn("set details", "session", sid, "err", err)
		}
	}
	if err := s.meta.AttachSentinel(ctx, sid, hello.Sentinel, hello.Source); err != nil {
		if errors.Is(err, meta.ErrFinal) {
			return nil, proto.NewError(proto.CodeSessionClosed, "session %s is closed", sid)
		}
		ic.log.Error("attach sentinel", "session", sid, "err", err)
		return nil, proto.NewError(proto.CodeInternal, "cannot attach sentinel")
	}
	ic.session = sid
	st := &ic.media
	st.id, st.session = hello.Sentinel, sid
	if _, rec, ok := s.store.Last(hello.Sentinel); ok {
		st.next = rec.Seq + 1
	}
	// The ring remembers what size retention may already have removed
	// from the store: a sequence number is never handed out twice.
	if ring := ic.stream.Stats(); ring.Segments > 0 && ring.LastSeq+1 > st.next {
		st.next = ring.LastSeq + 1
	}
	if gens, err := s.store.Generations(sid, hello.Sentinel); err == nil && len(gens) > 0 {
		if err := s.restoreInit(ic, gens[len(gens)-1]); err != nil {
			ic.log.Error("restore init", "session", sid, "err", err)
			return nil, proto.NewError(proto.CodeInternal, "cannot read stored init segment")
		}
	}
	sn := ic.sn
	sn.mu.Lock()
	sn.info.Session, sn.info.Source, sn.info.State = sid, hello.Source, proto.SentinelLive
	sn.info.SessionState = sess.State
	if len(hello.Details) > 0 {
		sn.info.Details = hello.Details
	} else {
		sn.info.Details = sess.Details
	}
	sn.lastSeg = now
	sn.mu.Unlock()
	return &proto.Welcome{Type: proto.TypeWelcome, Session: sid, Next: st.next, Generation: st.gen}, nil
}

// setState moves a session and tells watchers; errors are logged.
func (s *Server) setState(sn *sentinel, sid, state string) {
	ctx, cancel := s.dbctx()
	defer cancel()
	if err := s.meta.SetState(ctx, sid, state, s.now()); err != nil {
		s.log.Warn("session state", "session", sid, "state", state, "err", err)
		return
	}
	s.log.Info("session state", "session", sid, "state", state)
	if sn != nil {
		sn.mu.Lock()
		if sn.info.Session == sid {
			sn.info.SessionState = state
		}
		sn.mu.Unlock()
		s.live.changed(sn)
	}
}

// endSession closes sid after its Sentinel's "end", unless another
// Sentinel still publishes into it, and unlists the Sentinel.
func (s *Server) endSession(sn *sentinel, sid string) {
	for _, other := range s.live.list() {
		if other == sn {
			continue
		}
		other.mu.Lock()
		busy := other.pub != nil && other.info.Session == sid
		other.mu.Unlock()
		if busy {
			return
		}
	}
	s.flushProgress(sn)
	s.setState(sn, sid, proto.SessionClosed)
	s.live.detach(sn, sn.currentPub())
	s.live.unlist(sn)
}

// setDetails replaces the details of sn's session.
func (s *Server) setDetails(sn *sentinel, sid string, d map[string]string) {
	ctx, cancel := s.dbctx()
	defer cancel()
	if err := s.meta.SetDetails(ctx, sid, d); err != nil {
		s.log.Warn("set details", "session", sid, "err", err)
	}
	sn.mu.Lock()
	sn.info.Details = d
	sn.mu.Unlock()
	s.live.changed(sn)
}

func (sn *sentinel) currentPub() publisher {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	return sn.pub
}

// flushProgress writes sn's heartbeat and quality counters.
func (s *Server) flushProgress(sn *sentinel) {
	sn.mu.Lock()
	sid, connected := sn.info.Session, sn.pub != nil
	p := meta.Progress{Received: sn.received, Expected: sn.expected, MediaEnd: sn.mediaEnd}
	sn.received, sn.expected = 0, 0
	sn.mu.Unlock()
	if sid == "" || (!connected && p.Received == 0 && p.Expected == 0) {
		return
	}
	ctx, cancel := s.dbctx()
	defer cancel()
	if err := s.meta.Heartbeat(ctx, sid, s.now(), p); err != nil && !errors.Is(err, meta.ErrFinal) {
		s.log.Warn("heartbeat", "session", sid, "err", err)
	}
}
