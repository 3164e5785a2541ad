package server

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"proctor/server/httpapi"
)

// Defaults of HTTPConfig, filled in by its Validate.
const (
	DefaultHTTPReadHeaderTimeout = 10 * time.Second
	DefaultHTTPReadTimeout       = 30 * time.Second
	DefaultHTTPWriteTimeout      = 30 * time.Second
	DefaultHTTPIdleTimeout       = 30 * time.Second
	DefaultMaxHTTPConns          = 16384
	DefaultMaxBody               = 1 << 20
	// httpConnsBesideWebSockets is what the per-address HTTP connection cap
	// adds to Config.MaxConnsPerIP by default: a client with its full quota
	// of WebSockets can still fetch history.
	httpConnsBesideWebSockets = 256
)

// HTTPConfig bounds what one HTTP client may hold: time per request and
// per write, idle keep-alive time, body size, connections. Upgraded
// WebSockets are under none of the timeouts (they keep their own
// deadlines) but count as connections.
type HTTPConfig struct {
	// ReadHeaderTimeout bounds reading a request's headers (default 10 s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (default
	// 30 s): a body trickled slower is cut and answered. Once a request
	// without a body is read, its connection has no read deadline, so a
	// long download's context is not cancelled by it.
	ReadTimeout time.Duration
	// WriteTimeout bounds each write of a response (default 30 s), not the
	// whole response: a media.mp4 download at any steady pace runs to its
	// end, a client that stops reading is cut.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle for this long
	// (default 30 s).
	IdleTimeout time.Duration
	// MaxConns bounds the open connections of the listener (default
	// 16384); past it a new connection is accepted and closed at once.
	MaxConns int
	// MaxConnsPerIP bounds the open connections from one address (default
	// Config.MaxConnsPerIP + 256). A trusted proxy is under MaxConns only:
	// its clients are told apart by X-Forwarded-For in the WebSocket limit.
	MaxConnsPerIP int
	// MaxBody bounds a request body (default 1 MiB); endpoints bound
	// theirs lower.
	MaxBody int64
	// TrustedProxies are the peers whose X-Forwarded-For names the client
	// (flag -trusted-proxy, repeatable).
	TrustedProxies []netip.Prefix
}

// Validate checks c and fills in defaults; perIPWebSockets is
// Config.MaxConnsPerIP after its own defaults.
func (c *HTTPConfig) Validate(perIPWebSockets int) error {
	durations := []*time.Duration{&c.ReadHeaderTimeout, &c.ReadTimeout, &c.WriteTimeout, &c.IdleTimeout}
	defaults := []time.Duration{DefaultHTTPReadHeaderTimeout, DefaultHTTPReadTimeout, DefaultHTTPWriteTimeout, DefaultHTTPIdleTimeout}
	for i, d := range durations {
		if *d < 0 {
			return fmt.Errorf("%w: negative HTTP timeout %v", ErrConfig, *d)
		}
		if *d == 0 {
			*d = defaults[i]
		}
	}
	if c.MaxConns < 0 || c.MaxConnsPerIP < 0 || c.MaxBody < 0 {
		return fmt.Errorf("%w: negative HTTP limit", ErrConfig)
	}
	if c.MaxConns == 0 {
		c.MaxConns = DefaultMaxHTTPConns
	}
	if c.MaxConnsPerIP == 0 {
		c.MaxConnsPerIP = perIPWebSockets + httpConnsBesideWebSockets
	}
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	for _, p := range c.TrustedProxies {
		if !p.IsValid() {
			return fmt.Errorf("%w: invalid trusted proxy prefix", ErrConfig)
		}
	}
	return nil
}

// httpServer builds the http.Server of Serve and the listener it serves:
// ln under the connection caps, the handler under the body and per-write
// limits, and the server's own errors logged at warn level at most once a
// second. (Serve runs the shutdown of Sentinels and watchers beside the
// HTTP drain, so a slow HTTP client does not delay what Sentinels are told.)
func (s *Server) httpServer(ln net.Listener) (*http.Server, net.Listener) {
	hc := s.cfg.HTTP
	limited := newLimitListener(ln, hc.MaxConns, hc.MaxConnsPerIP, hc.TrustedProxies, s.log)
	s.httpLn.Store(limited)
	hs := &http.Server{
		Handler: httpapi.Limits(s.handler, httpapi.LimitConfig{
			WriteTimeout: hc.WriteTimeout, MaxBody: hc.MaxBody}),
		ReadHeaderTimeout: hc.ReadHeaderTimeout,
		ReadTimeout:       hc.ReadTimeout,
		IdleTimeout:       hc.IdleTimeout,
		ErrorLog:          httpapi.ErrorLog(s.log, slog.LevelWarn, time.Second),
	}
	return hs, limited
}

// httpListener is the listener Serve accepts on, nil before Serve.
func (s *Server) httpListener() *limitListener { return s.httpLn.Load() }

// ParseTrustedProxy parses the value of -trusted-proxy: a CIDR prefix
// ("10.0.0.0/8") or a single address ("10.0.0.5", "::1").
func ParseTrustedProxy(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%w: trusted proxy %q is neither an address nor a CIDR prefix", ErrConfig, s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
