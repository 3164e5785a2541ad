package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"proctor/proto"
	"proctor/server/hub"
)

// publisher is a connection publishing as a Sentinel: a /v1/ingest
// Sentinel or a seed-protocol publisher. The live registry holds it to
// forward control and to end it on shutdown.
type publisher interface {
	// control forwards a control message (keyframe, fps) without blocking.
	control(m any)
	// stop ends the connection with e (nil: a plain close).
	stop(e *proto.Error)
	// kill closes the socket at once.
	kill()
}

// publication is the ingest state of one publishing connection, whatever
// its protocol: the Sentinel it publishes as, its session, and where the
// sequence and the init generation stand. Owned by the connection's
// reading goroutine.
type publication struct {
	s       *Server
	log     *slog.Logger
	sn      *sentinel
	stream  *hub.Stream // held while attached
	session string
	media   mediaState
}

// begin makes pub the publisher of hello.Sentinel and starts or continues
// its session. On success the caller must call end when the connection
// ends.
func (p *publication) begin(pub publisher, hello *proto.Hello) (*proto.Welcome, *proto.Error) {
	sn, st, ok := p.s.live.attach(hello.Sentinel, pub)
	if !ok {
		return nil, proto.NewError(proto.CodeConflict, "sentinel %s is already publishing", hello.Sentinel)
	}
	p.sn, p.stream = sn, st
	p.log = p.log.With("sentinel", hello.Sentinel)
	p.s.m.publishers.Add(1)
	welcome, perr := p.s.openSession(p, hello)
	if perr != nil {
		p.release(pub)
		return nil, perr
	}
	sn.resendFPS()
	p.s.live.changed(sn)
	p.log.Info("sentinel connected", "session", p.session, "next", welcome.Next, "generation", welcome.Generation)
	return welcome, nil
}

// release gives up the Sentinel id before the final error is written, so
// a Sentinel that reconnects at once is not refused as a conflict.
func (p *publication) release(pub publisher) {
	p.s.m.publishers.Add(-1)
	p.s.flushProgress(p.sn)
	p.s.live.detach(p.sn, pub)
}

// errEnd ends a publication cleanly: the Sentinel's "end", or the end of
// a seed publisher's stream.
var errEnd = errors.New("end of session")

// end ends the publication after the connection's loop returned err:
// errEnd closes the session, a *proto.Error is returned for the peer (an
// internal one truncates the session), anything else is a disconnection
// that the reconnect grace period covers.
func (p *publication) end(pub publisher, err error) *proto.Error {
	sn := p.sn
	var pe *proto.Error
	switch {
	case errors.As(err, &pe):
		truncated := pe.Code == proto.CodeInternal
		if truncated {
			p.s.setState(sn, p.session, proto.SessionTruncated)
		}
		p.release(pub)
		if truncated {
			p.s.live.unlist(sn) // the session is final
		}
		return pe
	case errors.Is(err, errEnd):
		p.s.m.publishers.Add(-1)
		p.s.endSession(sn, p.session)
		p.s.live.detach(sn, pub)
		p.log.Info("sentinel ended session", "session", p.session)
	default:
		p.release(pub)
		p.log.Info("sentinel disconnected", "session", p.session, "err", err)
	}
	return nil
}

// ctx is the context of the publication's database calls.
func (p *publication) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}
