package ingest

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/wsconn"
)

// Gate is what the endpoint asks of the server before it takes a
// connection: a slot under the per-address limit and a verified token.
type Gate interface {
	Admit(r *http.Request) (auth.Claims, func(), *proto.Error)
}

// Config holds the limits and timeouts of the endpoint (see server.Config).
type Config struct {
	MaxMessage                     int64
	HeartbeatTimeout, WriteTimeout time.Duration
	PingInterval, ShutdownTimeout  time.Duration
}

// Server is the /v1/ingest endpoint: it owns the Sentinels' connections
// and publishes what they send through the Core.
type Server struct {
	core  *Core
	gate  Gate
	cfg   Config
	log   *slog.Logger
	up    *websocket.Upgrader
	conns wsconn.Conns[*conn]
}

// New returns the endpoint; log is the logger the connections log to.
func New(core *Core, gate Gate, cfg Config, log *slog.Logger) *Server {
	return &Server{core: core, gate: gate, cfg: cfg, log: log, up: wsconn.NewUpgrader(4096)}
}

// ServeHTTP serves GET /v1/ingest.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	ic := &conn{Publication: s.core.NewPublication(s.log.With("remote", r.RemoteAddr)), srv: s, c: c,
		ctl: make(chan []byte, 16), quit: make(chan struct{}), readerDone: make(chan struct{}),
		writerDone: make(chan struct{})}
	if !s.conns.Add(ic) {
		wsconn.Fail(c, proto.NewError(proto.CodeShutdown, "server is shutting down"), s.cfg.WriteTimeout)
		return
	}
	defer s.conns.Done(ic)
	claims, release, perr := s.gate.Admit(r)
	if perr == nil && claims.Role != auth.RoleSentinel && claims.Role != auth.RoleAdmin {
		release()
		perr = proto.NewError(proto.CodeForbidden, "role %s may not publish", claims.Role)
	}
	if perr != nil {
		s.core.Metrics.Rejected.Add(1)
		wsconn.Fail(c, perr, s.cfg.WriteTimeout)
		return
	}
	defer release()
	ic.claims = claims
	ic.run()
}

// Close tells every Sentinel that the server is shutting down and waits
// for their handlers to store what they received; at ctx's end it closes
// the sockets of those left.
func (s *Server) Close(ctx context.Context) error {
	return s.conns.Close(ctx, proto.NewError(proto.CodeShutdown, "server is shutting down"))
}
