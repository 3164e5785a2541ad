package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/httpapi"
	"proctor/server/hub"
	"proctor/server/ingest"
	"proctor/server/live"
	"proctor/server/meta"
	"proctor/server/metrics"
	"proctor/server/seed"
	"proctor/server/store"
	"proctor/server/watch"
)

// Server is the relay. Create it with New, run it with Serve (or mount
// Handler in your own http.Server and call Close).
type Server struct {
	cfg     Config
	log     *slog.Logger
	root    *slog.Logger // without the component, for sub-packages
	signer  *auth.Signer
	store   *store.Store
	meta    *meta.DB
	hub     *hub.Hub
	live    live.Registry
	core    *ingest.Core
	ingest  *ingest.Server
	watch   *watch.Server
	seed    *seed.Server
	reg     *metrics.Registry
	m       *serverMetrics
	limiter *ipLimiter
	handler http.Handler // the routes, with JSON bodies for the mux's own 404 and 405
	// httpLn is the capped listener Serve accepts on (nil before Serve),
	// for the count of connections it refused on /metrics.
	httpLn atomic.Pointer[limitListener]
	start  time.Time
	now    func() time.Time

	bgCancel context.CancelFunc
	bg       sync.WaitGroup

	mu        sync.Mutex
	closed    chan struct{}
	closeErr  error
	closeOnce sync.Once
	addr      string
}

// New validates cfg, opens the store and the session database, and
// starts the maintenance goroutine (heartbeats, watchdog, stats events).
func New(cfg Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	root := log
	log = log.With("component", "server")
	signer, err := auth.NewSigner(append([][]byte{cfg.Secret}, cfg.PreviousSecrets...)...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	reg := metrics.NewRegistry(root)
	m := newServerMetrics(reg) // before the store, which reports to its histograms
	cfg.Store.Observe = store.Observers{Append: m.appendLatency.Observe, Sync: m.syncLatency.Observe}
	st, err := store.Open(cfg.Store, root)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	var db *meta.DB
	if cfg.Postgres != "" {
		db, err = meta.OpenPostgres(cfg.Postgres, root)
	} else {
		db, err = meta.Open(cfg.MetaPath, root)
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open session database: %w", err)
	}
	h := hub.New(hub.Config{Window: cfg.Window, MaxBytes: cfg.WindowBytes})
	var lr live.Registry = live.NewLocal(h)
	if cfg.NewLive != nil {
		if lr, err = cfg.NewLive(h); err != nil {
			h.Close()
			st.Close()
			db.Close()
			return nil, fmt.Errorf("start live registry: %w", err)
		}
	}
	s := &Server{
		cfg: cfg, log: log, signer: signer, store: st, meta: db, hub: h, live: lr,
		root: root, reg: reg, m: m, limiter: newIPLimiter(cfg.MaxConnsPerIP),
		start: time.Now(), now: time.Now, closed: make(chan struct{}),
	}
	m.gauges(s)
	s.wire()
	s.handler = s.routes()
	ctx, cancel := context.WithCancel(context.Background())
	s.bgCancel = cancel
	s.bg.Add(1)
	go s.maintain(ctx)
	log.Info("server ready", "data", cfg.DataDir, "window", cfg.Window, "sync", cfg.Store.Sync)
	return s, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /v1/ingest", s.forRole(RoleIngest, s.ingest))
	mux.Handle("GET /v1/watch", s.forRole(RoleEdge, s.watch))
	mux.Handle("GET /v1/sessions/{sid}/stream", s.forRole(RoleEdge, s.watch.SessionStream(s.meta)))
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.Handle("GET /metrics", s.metricsOnly(s.reg))
	s.registerHistory(mux)
	// The seed-compatible endpoint; every more specific path above wins.
	mux.Handle("GET /{channel}/{key}/{kind}", s.seedForRole(s.seed))
	return s.reg.InstrumentHTTP(httpapi.JSONErrors(mux))
}

// Handler serves every endpoint.
func (s *Server) Handler() http.Handler { return s.handler }

// Addr is the address Serve listens on (empty before Serve).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Sentinels returns the live Sentinels, as GET /v1/sentinels lists them.
func (s *Server) Sentinels() []proto.SentinelInfo { return s.live.Sentinels() }

// MarkerAdded tells the watchers about a new marker.
func (s *Server) MarkerAdded(m proto.Marker) { s.live.MarkerAdded(m) }

// Serve accepts connections on ln (TLS when the Config names a
// certificate) until ctx is done, then shuts down gracefully and returns.
// It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	s.addr = ln.Addr().String()
	s.mu.Unlock()
	hs, ln := s.httpServer(ln)
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLSCert != "" {
			errc <- hs.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	s.log.Info("listening", "addr", s.addr, "tls", s.cfg.TLSCert != "")
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.drainTimeout())
	defer cancel()
	// The plain HTTP requests drain while the WebSocket endpoints tell
	// their connections, not before: a slow request body must not delay
	// what the Sentinels are told, nor the shutdown past its timeout.
	httpDone := make(chan struct{})
	go func() {
		defer close(httpDone)
		if hs.Shutdown(sctx) != nil {
			hs.Close() // requests still running at the timeout
		}
	}()
	err := s.shutdown(sctx, httpDone)
	if serveErr == nil {
		<-errc
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

// Close shuts the server down (for callers that mount Handler themselves).
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.drainTimeout())
	defer cancel()
	return s.shutdown(ctx, nil)
}
