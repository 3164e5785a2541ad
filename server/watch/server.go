package watch

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/live"
	"proctor/server/ratelog"
	"proctor/server/wsconn"
)

// Gate is what the endpoint asks of the server before it takes a
// connection: a slot under the per-address limit and a verified token.
type Gate interface {
	Admit(r *http.Request) (auth.Claims, func(), *proto.Error)
}

// Counter is a metric that goes up (and, for a gauge, down).
type Counter interface{ Add(n int64) }

// CodeCounter counts refusals by their error code.
type CodeCounter interface{ Inc(code string) }

// Metrics are the counters of the watch path.
type Metrics struct {
	BytesOut, MessagesOut, Skips, WriteFailures Counter
	Rejected                                    CodeCounter
	// Watchers counts connected watchers (a gauge).
	Watchers Counter
}

// Config holds the limits and timeouts of the endpoint (see server.Config).
type Config struct {
	MaxMessage                 int64
	MaxSubscriptions           int
	WriteTimeout, PingInterval time.Duration
}

// Server is the /v1/watch endpoint: it owns the proctors' connections and
// follows streams through the live registry.
type Server struct {
	live  live.Registry
	gate  Gate
	cfg   Config
	m     Metrics
	log   *slog.Logger
	up    *websocket.Upgrader
	conns wsconn.Conns[*watcher]
	limit ratelog.Limiter // of the log lines per skip
}

// New returns the endpoint.
func New(reg live.Registry, gate Gate, cfg Config, m Metrics, log *slog.Logger) *Server {
	// Watchers get a small write buffer: gorilla copies only what fits in
	// it and hands the rest of a message to writev, so relayed payloads
	// are not copied per watcher.
	return &Server{live: reg, gate: gate, cfg: cfg, m: m, log: log, up: wsconn.NewUpgrader(256)}
}

// ServeHTTP serves GET /v1/watch.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	s.serve(rw, r, nil)
}

// serve upgrades and admits a watcher, lets prepare (when not nil) refuse
// it or set it up, registers it with the live registry and runs it.
func (s *Server) serve(rw http.ResponseWriter, r *http.Request, prepare func(w *watcher) (func(), *proto.Error)) {
	c, err := s.up.Upgrade(rw, r, nil)
	if err != nil {
		return
	}
	w := newWatcher(s, c, s.log.With("remote", r.RemoteAddr))
	if !s.conns.Add(w) {
		wsconn.Fail(c, proto.NewError(proto.CodeShutdown, "server is shutting down"), s.cfg.WriteTimeout)
		return
	}
	defer s.conns.Done(w)
	claims, release, perr := s.gate.Admit(r)
	if perr == nil && !claims.CanWatch() {
		release()
		perr = proto.NewError(proto.CodeForbidden, "role %s may not watch live streams", claims.Role)
	}
	if perr != nil {
		s.m.Rejected.Inc(perr.Code)
		wsconn.Fail(c, perr, s.cfg.WriteTimeout)
		return
	}
	defer release()
	done := func() {}
	if prepare != nil {
		if done, perr = prepare(w); perr != nil {
			s.m.Rejected.Inc(perr.Code)
			wsconn.Fail(c, perr, s.cfg.WriteTimeout)
			return
		}
	}
	w.log = w.log.With("watcher", claims.Subject)
	s.m.Watchers.Add(1)
	defer s.m.Watchers.Add(-1)
	s.live.AddWatcher(w.as)
	go w.writer()
	err = w.read()
	done() // before cleanup, so that nothing subscribes after it
	var pe *proto.Error
	if errors.As(err, &pe) {
		s.m.Rejected.Inc(pe.Code)
		w.log.Info("watcher refused", "code", pe.Code, "msg", pe.Message)
		w.Stop(pe)
	} else {
		w.Stop(nil)
	}
	<-w.writerDone
	wsconn.LingerClose(c)
	w.cleanup()
}

// Close tells every watcher that the server is shutting down and waits
// for their handlers; at ctx's end it closes the sockets of those left.
func (s *Server) Close(ctx context.Context) error {
	return s.conns.Close(ctx, proto.NewError(proto.CodeShutdown, "server is shutting down"))
}
