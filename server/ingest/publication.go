package ingest

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/hub"
	"proctor/server/live"
)

// Publication is the ingest state of one publishing connection, whatever
// its protocol: the Sentinel it publishes as, its session, and where the
// sequence and the init generation stand. Owned by the connection's
// reading goroutine.
type Publication struct {
	core    *Core
	log     *slog.Logger
	sn      *live.Sentinel
	stream  *hub.Stream // held while attached
	session string
	media   mediaState
	claims  auth.Claims // of the token that opened the connection
	mayEdit bool        // may change the session's details

	detailsAt   time.Time         // when details were last applied
	detailsNext map[string]string // details waiting for their period, or nil
}

// Begin makes pub the publisher of hello.Sentinel and starts or continues
// its session, as far as claims allow: a token that names sessions joins
// only those (the first one when the hello names none). On success the
// caller must call End when the connection ends.
func (p *Publication) Begin(pub live.Publisher, hello *proto.Hello, claims auth.Claims) (*proto.Welcome, *proto.Error) {
	if hello.Session == "" && claims.NamesSessions() {
		hello.Session = claims.Sessions[0]
	}
	if hello.Session != "" && !claims.MayJoin(hello.Session) {
		return nil, proto.NewError(proto.CodeForbidden, "token may not join session %s", hello.Session)
	}
	p.claims = claims
	sn, st, ok := p.core.Live.Attach(hello.Sentinel, pub)
	if !ok {
		return nil, proto.NewError(proto.CodeConflict, "sentinel %s is already publishing", hello.Sentinel)
	}
	p.sn, p.stream = sn, st
	p.log = p.log.With("sentinel", hello.Sentinel)
	p.core.Metrics.Publishers.Add(1)
	welcome, perr := p.core.openSession(p, hello)
	if perr != nil {
		p.release(pub)
		return nil, perr
	}
	sn.ResendFPS()
	p.core.Live.Changed(sn)
	p.log.Info("sentinel connected", "session", p.session, "next", welcome.Next, "generation", welcome.Generation)
	return welcome, nil
}

// release gives up the Sentinel id before the final error is written, so
// a Sentinel that reconnects at once is not refused as a conflict.
func (p *Publication) release(pub live.Publisher) {
	p.core.Metrics.Publishers.Add(-1)
	p.core.flushProgress(p.sn)
	p.core.Live.Detach(p.sn, pub)
}

// ErrEnd ends a publication cleanly: the Sentinel's "end", or the end of
// a seed publisher's stream.
var ErrEnd = errors.New("end of session")

// End ends the publication after the connection's loop returned err:
// ErrEnd closes the session, a *proto.Error is returned for the peer (an
// internal one truncates the session), anything else is a disconnection
// that the reconnect grace period covers.
func (p *Publication) End(pub live.Publisher, err error) *proto.Error {
	sn := p.sn
	p.core.flushDetails(p, true)
	var pe *proto.Error
	switch {
	case errors.As(err, &pe):
		truncated := pe.Code == proto.CodeInternal
		if truncated {
			p.core.setState(sn, p.session, proto.SessionTruncated)
		}
		p.release(pub)
		if truncated {
			p.core.Live.Unlist(sn) // the session is final
		}
		return pe
	case errors.Is(err, ErrEnd):
		p.core.Metrics.Publishers.Add(-1)
		p.core.endSession(sn, p.session)
		p.core.Live.Detach(sn, pub)
		p.log.Info("sentinel ended session", "session", p.session)
	default:
		p.release(pub)
		p.log.Info("sentinel disconnected", "session", p.session, "err", err)
	}
	return nil
}

// ctx is the context of the publication's database calls.
func (p *Publication) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}
