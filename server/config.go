package server

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"proctor/server/auth"
	"proctor/server/hub"
	"proctor/server/live"
	"proctor/server/store"
)

// Defaults filled in by Config.Validate.
const (
	DefaultAddr             = ":8750"
	DefaultDataDir          = "data"
	DefaultWindow           = 20 * time.Second
	DefaultMaxMessage       = 8 << 20
	DefaultMaxConnsPerIP    = 256
	DefaultMaxSubscriptions = 64
	DefaultGrace            = 30 * time.Second
	DefaultHeartbeatTimeout = 30 * time.Second
	DefaultHeartbeatEvery   = 5 * time.Second
	DefaultStallAfter       = 3 * time.Second
	DefaultWriteTimeout     = 10 * time.Second
	DefaultPingInterval     = 15 * time.Second
	DefaultShutdownTimeout  = 10 * time.Second
	DefaultSeedIdle         = time.Minute
	DefaultClockTolerance   = time.Minute
)

// Config configures a Server. The zero value plus a Secret is valid.
type Config struct {
	// Addr is the listen address of Serve's caller (default ":8750").
	Addr string
	// DataDir holds the segment store and the session database
	// (default "data").
	DataDir string
	// Secret signs and verifies tokens; at least auth.MinSecretLen bytes.
	// It is never logged.
	Secret []byte `json:"-"`
	// PreviousSecrets are older secrets still accepted during a rotation
	// (tokens and keys signed with them verify; nothing new is signed with
	// them), newest first. Never logged.
	PreviousSecrets [][]byte `json:"-"`
	// Window is the live memory window per stream (default 20 s).
	Window time.Duration
	// WindowBytes is the hard bound of one stream's live ring (default
	// hub.DefaultMaxBytes): past it the oldest segments go even if that
	// leaves no keyframe, and the Sentinel is asked for one, so a Sentinel
	// with an endless GOP cannot exhaust memory.
	WindowBytes int64
	// MaxMessage bounds one WebSocket message (default 8 MiB).
	MaxMessage int64
	// MaxConnsPerIP bounds concurrent WebSocket connections from one
	// address (default 256).
	MaxConnsPerIP int
	// MaxSubscriptions bounds the streams one watcher connection follows
	// (default 64).
	MaxSubscriptions int
	// Grace is how long the session of a Sentinel that went away without
	// "end" stays open for it to reconnect, before the watchdog marks it
	// abandoned (default 30 s).
	Grace time.Duration
	// HeartbeatTimeout drops an ingest connection that sent nothing (not
	// even a pong) for this long (default 30 s).
	HeartbeatTimeout time.Duration
	// HeartbeatEvery is the period of session heartbeats, quality flushes,
	// the watchdog and the watchers' stats events (default 5 s).
	HeartbeatEvery time.Duration
	// StallAfter marks a connected Sentinel stalled when no segment came
	// for this long (default 3 s).
	StallAfter time.Duration
	// WriteTimeout is the deadline of every socket write (default 10 s); a
	// watcher that cannot take a message for this long is disconnected.
	WriteTimeout time.Duration
	// PingInterval is the WebSocket keepalive period (default 15 s).
	PingInterval time.Duration
	// ShutdownTimeout bounds the graceful shutdown (default 10 s).
	ShutdownTimeout time.Duration
	// SeedIdle closes a seed-protocol connection that sent nothing, not
	// even its "h" heartbeat, for this long (default 1 minute, as the seed
	// protocol says).
	SeedIdle time.Duration
	// ClockTolerance is how far a segment's wall time may be from the
	// server's clock; beyond it the segment is stored and indexed at the
	// receive time, keeping the Sentinel's time as Record.SentinelTime
	// (default 1 minute).
	ClockTolerance time.Duration
	// TLSCert and TLSKey are PEM files; Serve uses TLS when both are set.
	TLSCert, TLSKey string
	// MetaPath is the SQLite file (default DataDir/meta.db), unused with
	// Postgres.
	MetaPath string
	// Postgres is the URL of a PostgreSQL database holding the session
	// metadata instead of the SQLite file, shared by the nodes of a
	// cluster. Empty: SQLite.
	Postgres string
	// Store configures the segment store; Store.Dir defaults to DataDir.
	Store store.Config
	// HTTP bounds HTTP clients: timeouts, connections, bodies, trusted
	// proxies (httpserver.go).
	HTTP HTTPConfig
	// NewLive, if set, makes the live registry over the server's hub in
	// place of the in-process live.Local: a cluster node's bus.Cluster
	// (app wires it for --redis). A registry that is an io.Closer is
	// closed after the connections end, before the hub.
	NewLive func(h *hub.Hub) (live.Registry, error) `json:"-"`
	// Role is the node's cluster role (cluster_role.go): RoleIngest takes
	// Sentinels only, RoleEdge serves watchers only, RoleAll ("" too) both.
	Role string
	// Node is this node's name in a cluster (--node), recorded as the
	// holder of the Sentinels it ingests; Peers lists the live nodes'
	// advertised base URLs by name (bus.Nodes), to stream history this
	// node does not hold from one that does (history_proxy.go). Both
	// unset on a single node.
	Node  string
	Peers func(ctx context.Context) (map[string]string, error) `json:"-"`
}

// Validate checks c and fills in defaults.
func (c *Config) Validate() error {
	if len(c.Secret) < auth.MinSecretLen {
		return fmt.Errorf("%w: secret must be at least %d bytes", ErrConfig, auth.MinSecretLen)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("%w: TLS needs both a certificate and a key", ErrConfig)
	}
	durations := []*time.Duration{&c.Window, &c.Grace, &c.HeartbeatTimeout, &c.HeartbeatEvery,
		&c.StallAfter, &c.WriteTimeout, &c.PingInterval, &c.ShutdownTimeout, &c.SeedIdle, &c.ClockTolerance}
	defaults := []time.Duration{DefaultWindow, DefaultGrace, DefaultHeartbeatTimeout, DefaultHeartbeatEvery,
		DefaultStallAfter, DefaultWriteTimeout, DefaultPingInterval, DefaultShutdownTimeout, DefaultSeedIdle,
		DefaultClockTolerance}
	for i, d := range durations {
		if *d < 0 {
			return fmt.Errorf("%w: negative duration %v", ErrConfig, *d)
		}
		if *d == 0 {
			*d = defaults[i]
		}
	}
	if c.Grace < 2*c.HeartbeatEvery {
		return fmt.Errorf("%w: grace %v must be at least two heartbeat periods (%v)", ErrConfig, c.Grace, c.HeartbeatEvery)
	}
	if c.MaxMessage < 0 || c.MaxConnsPerIP < 0 || c.MaxSubscriptions < 0 {
		return fmt.Errorf("%w: negative limit", ErrConfig)
	}
	if c.MaxMessage == 0 {
		c.MaxMessage = DefaultMaxMessage
	}
	if c.WindowBytes < 0 {
		return fmt.Errorf("%w: negative window bytes", ErrConfig)
	}
	if c.WindowBytes == 0 {
		c.WindowBytes = hub.DefaultMaxBytes
	}
	if c.WindowBytes < 2*c.MaxMessage {
		return fmt.Errorf("%w: window bytes %d below two messages (2 x %d)", ErrConfig, c.WindowBytes, c.MaxMessage)
	}
	if c.MaxMessage < 1<<10 {
		return fmt.Errorf("%w: max message %d is below 1 KiB", ErrConfig, c.MaxMessage)
	}
	if c.MaxConnsPerIP == 0 {
		c.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	if c.MaxSubscriptions == 0 {
		c.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.MetaPath == "" {
		c.MetaPath = filepath.Join(c.DataDir, "meta.db")
	}
	if c.Store.Dir == "" {
		c.Store.Dir = c.DataDir
	}
	if err := c.HTTP.Validate(c.MaxConnsPerIP); err != nil {
		return err
	}
	if err := validRole(c.Role); err != nil {
		return err
	}
	if err := c.Store.Validate(); err != nil {
		return fmt.Errorf("%w: store: %w", ErrConfig, err)
	}
	return nil
}
