package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"maps"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/live"
	"proctor/server/meta"
)

// newSessionID makes a session id for a Sentinel that did not name one.
func newSessionID(now time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return "s" + now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// clusterSeqs is a cluster node's live registry (bus.Cluster): the
// highest media sequence of a Sentinel appended anywhere in the cluster.
type clusterSeqs interface {
	LastSeq(ctx context.Context, id string) (seq uint64, ok bool, err error)
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
	ic.media.since = sess.Start.UnixMicro()
	if err := s.Meta.AttachSentinel(ctx, sid, hello.Sentinel, hello.Source); err != nil {
		if errors.Is(err, meta.ErrFinal) {
			return nil, proto.NewError(proto.CodeSessionClosed, "session %s is closed", sid)
		}
		ic.log.Error("attach sentinel", "session", sid, "err", err)
		return nil, proto.NewError(proto.CodeInternal, "cannot attach sentinel")
	}
	ic.mayEdit = ic.claims.Role == auth.RoleAdmin || ic.claims.NamesSessions()
	if !ic.mayEdit {
		opener, err := s.Meta.Opener(ctx, sid)
		if err != nil {
			ic.log.Warn("session opener", "session", sid, "err", err)
		}
		ic.mayEdit = opener == hello.Sentinel
	}
	details := sess.Details
	if len(hello.Details) > 0 && !maps.Equal(hello.Details, sess.Details) {
		if ic.mayEdit {
			if err := s.Meta.SetDetails(ctx, sid, hello.Details); err != nil {
				ic.log.Warn("set details", "session", sid, "err", err)
			}
			details = hello.Details
		} else {
			ic.log.Info("details ignored: the session was opened by another sentinel", "session", sid)
		}
	}
	ic.session = sid
	st := &ic.media
	st.id, st.session = hello.Sentinel, sid
	if _, rec, ok := s.Store.Last(hello.Sentinel); ok {
		st.next = rec.Seq + 1
		st.end = rec.Time + int64(rec.Duration)
	}
	// The ring remembers what size retention may already have removed
	// from the store: a sequence number is never handed out twice.
	if ring := ic.stream.Stats(); ring.Segments > 0 && ring.LastSeq+1 > st.next {
		st.next = ring.LastSeq + 1
	}
	// On a cluster node, the Sentinel may come from a node that died: the
	// cluster knows what that node appended, which this node's store and
	// ring do not. Redis unreachable: the local view is all there is.
	if cs, ok := s.Live.(clusterSeqs); ok {
		if last, ok, err := cs.LastSeq(ctx, hello.Sentinel); err != nil {
			ic.log.Warn("cluster resume point unknown: redis unreachable", "err", err)
		} else if ok && last+1 > st.next {
			st.next = last + 1
		}
	}
	if gens, err := s.Store.Generations(sid, hello.Sentinel); err == nil && len(gens) > 0 {
		if err := s.restoreInit(ic, gens[len(gens)-1]); err != nil {
			ic.log.Error("restore init", "session", sid, "err", err)
			return nil, proto.NewError(proto.CodeInternal, "cannot read stored init segment")
		}
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

// endSession ends sn's part of sid after its "end" and unlists it; the
// session closes when no attached Sentinel's part is left (the others'
// parts end with their own "end", or the watchdog abandons the session
// when none of them comes back).
func (s *Core) endSession(sn *live.Sentinel, sid string) {
	ctx, cancel := dbctx()
	remaining, err := s.Meta.EndPart(ctx, sid, sn.ID())
	cancel()
	if err != nil {
		s.Log.Warn("end part", "session", sid, "sentinel", sn.ID(), "err", err)
	}
	s.flushProgress(sn)
	if err == nil && remaining == 0 {
		s.setState(sn, sid, proto.SessionClosed)
	} else {
		s.Log.Info("sentinel's part ended", "session", sid, "sentinel", sn.ID(), "remaining", remaining)
	}
	s.Live.Detach(sn, sn.Publisher())
	s.Live.Unlist(sn)
}

// detailsEvery is how often one connection's details messages are
// applied: each one is a database write and an event to every watcher.
const detailsEvery = time.Second

// setDetails replaces the details of p's session, when p may change them
// (see openSession), at most once per detailsEvery: one that comes sooner
// waits, replaced by any later one, for flushDetails.
func (s *Core) setDetails(p *Publication, d map[string]string) {
	if !p.mayEdit {
		s.Limit.Log(p.log, slog.LevelInfo, "details/"+p.media.id,
			"details ignored: the session was opened by another sentinel", "session", p.session)
		return
	}
	now := s.Now()
	if !p.detailsAt.IsZero() && now.Sub(p.detailsAt) < detailsEvery {
		p.detailsNext = d
		return
	}
	p.detailsNext, p.detailsAt = nil, now
	s.applyDetails(p, d)
}

// flushDetails applies the waiting details once their period is over
// (always, when final: the connection ends). The reading goroutine calls
// it with every message.
func (s *Core) flushDetails(p *Publication, final bool) {
	if p.detailsNext == nil {
		return
	}
	now := s.Now()
	if !final && now.Sub(p.detailsAt) < detailsEvery {
		return
	}
	d := p.detailsNext
	p.detailsNext, p.detailsAt = nil, now
	s.applyDetails(p, d)
}

func (s *Core) applyDetails(p *Publication, d map[string]string) {
	sn, sid := p.sn, p.session
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
