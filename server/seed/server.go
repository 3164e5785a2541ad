package seed

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/ingest"
	"proctor/server/live"
	"proctor/server/wsconn"
)

// Gate is what the endpoint asks of the server before it takes a
// connection: a slot under the per-address limit, and the check of a
// channel's stream key.
type Gate interface {
	Acquire(r *http.Request) (release func(), ok bool)
	// VerifyStreamKey checks a publish key (publish) or a receive key
	// (receive, receive-clear-cache, probe) of channel.
	VerifyStreamKey(channel, key string, publish bool) error
}

// Counter is a metric that goes up (and, for a gauge, down).
type Counter interface{ Add(n int64) }

// CodeCounter counts refusals by their error code.
type CodeCounter interface{ Inc(code string) }

// Metrics are the counters of the seed endpoint.
type Metrics struct {
	BytesOut Counter
	// Rejected counts refusals (seed refusals are text: one code, "seed").
	Rejected CodeCounter
	// Receivers counts connected receivers and probes (a gauge).
	Receivers Counter
}

// Config holds the limits and timeouts of the endpoint (see server.Config).
type Config struct {
	MaxMessage             int64
	WriteTimeout, SeedIdle time.Duration
}

// Server is the seed-compatible endpoint: it owns every seed connection,
// publishers and receivers alike.
type Server struct {
	core  *ingest.Core
	live  live.Registry
	gate  Gate
	cfg   Config
	m     Metrics
	now   func() time.Time
	log   *slog.Logger
	up    *websocket.Upgrader
	conns wsconn.Conns[*seedConn]
}

// New returns the endpoint; publishers publish through core.
func New(core *ingest.Core, gate Gate, cfg Config, m Metrics, log *slog.Logger) *Server {
	// A small write buffer, as the watchers': gorilla copies what fits in
	// it into each frame and hands the rest of a fragment to writev, so
	// 4 KiB would be copied per receiver and fragment for nothing.
	return &Server{core: core, live: core.Live, gate: gate, cfg: cfg, m: m, now: core.Now, log: log,
		up: wsconn.NewUpgrader(256)}
}

// Close ends every seed connection (publishers are told why, receivers
// waiting on an idle channel stop waiting) and waits for their handlers;
// at ctx's end it closes the sockets of those left.
func (s *Server) Close(ctx context.Context) error {
	return s.conns.Close(ctx, proto.NewError(proto.CodeShutdown, "Server is shutting down"))
}
