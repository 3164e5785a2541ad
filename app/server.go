package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"proctor/server"
	"proctor/server/hub"
	"proctor/server/store"
)

func init() {
	register(Mode{Name: "server", Summary: "run the relay: ingest, live hub, storage, HTTP API", Run: runServer})
}

// serverFlags binds a flag to every server.Config field.
func serverFlags(fs *flag.FlagSet, c *server.Config) {
	fs.StringVar(&c.Addr, "addr", server.DefaultAddr, "listen address")
	fs.StringVar(&c.DataDir, "data", server.DefaultDataDir, "data directory (segments and sessions)")
	fs.StringVar(&c.MetaPath, "meta", "", "session database file (default DATA/meta.db)")
	fs.StringVar(&c.Postgres, "postgres", "", "PostgreSQL URL of the session database shared by a cluster (instead of -meta)")
	fs.DurationVar(&c.Window, "window", server.DefaultWindow, "live memory window per stream")
	fs.Int64Var(&c.WindowBytes, "window-bytes", hub.DefaultMaxBytes, "hard bound of one stream's live ring in bytes; past it the oldest segments go and the Sentinel is asked for a keyframe")
	fs.Int64Var(&c.MaxMessage, "max-message", server.DefaultMaxMessage, "largest WebSocket message in bytes")
	fs.IntVar(&c.MaxConnsPerIP, "max-conns-per-ip", server.DefaultMaxConnsPerIP, "concurrent WebSocket connections per client address")
	fs.IntVar(&c.MaxSubscriptions, "max-subscriptions", server.DefaultMaxSubscriptions, "streams one watcher connection may follow")
	fs.DurationVar(&c.Grace, "grace", server.DefaultGrace, "how long a disconnected Sentinel's session waits for it before it is abandoned")
	fs.DurationVar(&c.HeartbeatTimeout, "heartbeat-timeout", server.DefaultHeartbeatTimeout, "drop an ingest connection silent for this long")
	fs.DurationVar(&c.HeartbeatEvery, "heartbeat-every", server.DefaultHeartbeatEvery, "period of session heartbeats, watchdog and stats events")
	fs.DurationVar(&c.StallAfter, "stall-after", server.DefaultStallAfter, "mark a Sentinel stalled after this long without a segment")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", server.DefaultWriteTimeout, "deadline of every socket write")
	fs.DurationVar(&c.PingInterval, "ping-interval", server.DefaultPingInterval, "WebSocket keepalive period")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", server.DefaultShutdownTimeout, "bound of the graceful shutdown")
	fs.DurationVar(&c.SeedIdle, "seed-idle", server.DefaultSeedIdle, "close a seed-protocol connection silent for this long")
	fs.DurationVar(&c.ClockTolerance, "clock-tolerance", server.DefaultClockTolerance, "store a segment whose time is further than this from the server's clock at its receive time")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "TLS certificate (PEM); TLS is on when -tls-cert and -tls-key are set")
	fs.StringVar(&c.TLSKey, "tls-key", "", "TLS private key (PEM)")
	fs.Func("sync", "fsync policy of the segment store: always, interval or never (default interval)", func(v string) error {
		c.Store.Sync = store.SyncPolicy(v)
		return nil
	})
	fs.DurationVar(&c.Store.SyncInterval, "sync-interval", store.DefaultSyncInterval, "fsync period of the interval policy")
	fs.DurationVar(&c.Store.MaxAge, "retain-age", 0, "remove stored segments older than this (0: keep)")
	fs.Int64Var(&c.Store.MaxBytes, "retain-bytes", 0, "bound of the stored bytes; oldest go first (0: unbounded)")
	fs.DurationVar(&c.Store.RetainEvery, "retain-every", store.DefaultRetainEvery, "period of the retention pass")
	fs.Int64Var(&c.Store.ChunkSize, "chunk-size", store.DefaultChunkSize, "bound of one segment log file in bytes")
	fs.Int64Var(&c.Store.VerifyTail, "verify-tail", store.DefaultVerifyTail, "bytes at the end of each log checked on start (-1: all)")
	fs.Int64Var(&c.Store.MinFree, "min-free", store.DefaultMinFree, "free-space guard in bytes: below it size retention runs at once (with -retain-bytes), else new segments get a retryable error before the disk is full (0: off)")
	fs.IntVar(&c.Store.MaxOpenFiles, "max-open-files", store.DefaultMaxOpenFiles, "segment log files kept open for reading")
	fs.DurationVar(&c.HTTP.ReadHeaderTimeout, "http-read-header-timeout", server.DefaultHTTPReadHeaderTimeout, "time to read a plain HTTP request's header")
	fs.DurationVar(&c.HTTP.ReadTimeout, "http-read-timeout", server.DefaultHTTPReadTimeout, "time to read a whole plain HTTP request, body included")
	fs.DurationVar(&c.HTTP.WriteTimeout, "http-write-timeout", server.DefaultHTTPWriteTimeout, "deadline of each write of a plain HTTP response (renewed per write, so long downloads go on)")
	fs.DurationVar(&c.HTTP.IdleTimeout, "http-idle-timeout", server.DefaultHTTPIdleTimeout, "close an idle keep-alive HTTP connection after this long")
	fs.IntVar(&c.HTTP.MaxConns, "max-http-conns", server.DefaultMaxHTTPConns, "concurrent TCP connections in all")
	fs.IntVar(&c.HTTP.MaxConnsPerIP, "max-http-conns-per-ip", 0, "concurrent TCP connections per client address (0: -max-conns-per-ip + 256)")
	fs.Int64Var(&c.HTTP.MaxBody, "max-body", server.DefaultMaxBody, "largest request body in bytes")
	fs.Func("trusted-proxy", "a reverse proxy (CIDR or address, repeatable) whose X-Forwarded-For names the client address the limits count", func(v string) error {
		p, err := server.ParseTrustedProxy(v)
		if err == nil {
			c.HTTP.TrustedProxies = append(c.HTTP.TrustedProxies, p)
		}
		return err
	})
}

func runServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("server", stderr)
	var cfg server.Config
	serverFlags(fs, &cfg)
	cluster := clusterFlags(fs)
	secret := secretFlags(fs)
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	jsonLogs := fs.Bool("log-json", false, "log JSON lines instead of text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return &ExitError{Code: 2, Err: fmt.Errorf("log level %q: %v", *level, err)}
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler = slog.NewTextHandler(stderr, opts)
	if *jsonLogs {
		h = slog.NewJSONHandler(stderr, opts)
	}
	log := slog.New(h)
	keys, err := secret.loadAll()
	if err != nil {
		return err
	}
	cfg.Secret, cfg.PreviousSecrets = keys[0], keys[1:]
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	stopCluster, err := cluster.wire(ctx, &cfg, log)
	if err != nil {
		return err
	}
	defer stopCluster()
	s, err := server.New(cfg, log)
	if err != nil {
		if errors.Is(err, server.ErrConfig) {
			return &ExitError{Code: 2, Err: err}
		}
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		s.Close()
		return err
	}
	start := time.Now()
	err = s.Serve(ctx, ln)
	log.Info("bye", "uptime", time.Since(start).Round(time.Second))
	return err
}
