package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// Config says how to reach the server. The zero values of the optional
// fields are replaced by the defaults below.
type Config struct {
	// Server is the base URL, http(s)://host:port, or several separated by
	// commas (see Servers).
	Server string
	// Servers, when set, is the list of base URLs tried in order, moving
	// to the next when one fails; it takes precedence over Server.
	Servers Servers
	// Token is sent as "Authorization: Bearer <token>".
	Token string
	// Log receives the client's logs; nil discards them.
	Log *slog.Logger
	// HTTP is used by History; its transport's TLS settings are used by the
	// WebSocket dialer too. Default: a client without overall timeout (exports
	// are long), cancelled through contexts.
	HTTP *http.Client
	// MinBackoff and MaxBackoff bound the reconnect delay, which doubles
	// after every failed attempt, with jitter. Defaults 250 ms and 10 s.
	MinBackoff, MaxBackoff time.Duration
	// Buffer is a Watcher subscription's channel capacity in messages
	// (default 64).
	Buffer int
}

// Defaults of Config.
const (
	DefaultMinBackoff = 250 * time.Millisecond
	DefaultMaxBackoff = 10 * time.Second
	DefaultBuffer     = 64

	handshakeTimeout = 10 * time.Second
	writeTimeout     = 10 * time.Second
	pingInterval     = 15 * time.Second
	readTimeout      = 3 * pingInterval
)

func (c Config) withDefaults() Config {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{}
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(DefaultMaxBackoff, c.MinBackoff)
	}
	if c.Buffer <= 0 {
		c.Buffer = DefaultBuffer
	}
	if len(c.Servers) == 0 {
		c.Servers = splitServers(c.Server)
	} else {
		c.Servers = splitServers(c.Servers.String())
	}
	if len(c.Servers) == 0 {
		c.Servers = Servers{""} // dialling it reports the missing URL
	}
	c.Server = c.Servers[0]
	return c
}

// rotation returns a fresh place in the server list.
func (c Config) rotation() *rotation { return &rotation{n: len(c.Servers)} }

// base returns server i of the list (of a Config with defaults).
func (c Config) base(i int) string {
	if i < 0 || i >= len(c.Servers) {
		return c.Server
	}
	return c.Servers[i]
}

// urlAt joins the base URL of server i and path; ws switches the scheme
// to ws(s).
func (c Config) urlAt(i int, path string, ws bool) (string, error) {
	server := c.base(i)
	u, err := url.Parse(server + path)
	if err != nil {
		return "", fmt.Errorf("server url %q: %w", server, err)
	}
	switch u.Scheme {
	case "http", "ws":
		if ws {
			u.Scheme = "ws"
		}
	case "https", "wss":
		if ws {
			u.Scheme = "wss"
		}
	default:
		return "", fmt.Errorf("server url %q: scheme must be http or https", server)
	}
	if !ws && u.Scheme[0] == 'w' {
		u.Scheme = "http" + u.Scheme[2:]
	}
	return u.String(), nil
}

func (c Config) header() http.Header {
	h := http.Header{}
	if c.Token != "" {
		h.Set("Authorization", "Bearer "+c.Token)
	}
	return h
}

// dial opens a WebSocket to path on server i of the list. A refused
// handshake becomes a *ServerError (401, 403, ...) and a network failure
// wraps ErrUnreachable.
func (c Config) dial(ctx context.Context, i int, path string) (*websocket.Conn, error) {
	u, err := c.urlAt(i, path, true)
	if err != nil {
		return nil, err
	}
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: handshakeTimeout,
		NetDialContext:   (&net.Dialer{Timeout: handshakeTimeout}).DialContext,
		TLSClientConfig:  c.tlsConfig(),
		// Segments are tens of KiB: fewer reads, frames and syscalls. The
		// write buffers are pooled, so idle connections (many Sentinels of
		// a load test) do not each hold one.
		ReadBufferSize:  64 << 10,
		WriteBufferSize: 64 << 10,
		WriteBufferPool: writeBuffers,
	}
	conn, resp, err := d.DialContext(ctx, u, c.header())
	if err == nil {
		return conn, nil
	}
	if resp != nil {
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, responseError(resp)
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
}

// writeBuffers is shared by every connection of the package.
var writeBuffers = &sync.Pool{}

func (c Config) tlsConfig() *tls.Config {
	if t, ok := c.HTTP.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
		return t.TLSClientConfig.Clone()
	}
	return nil
}

// responseError reads a proto.HTTPError body into a *ServerError.
func responseError(resp *http.Response) error {
	e := &ServerError{Status: resp.StatusCode}
	var body proto.HTTPError
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(b, &body) == nil && body.Error.Code != "" {
		e.Code, e.Message = body.Error.Code, body.Error.Message
	} else if s := strings.TrimSpace(string(b)); s != "" && len(s) < 512 {
		e.Message = s
	}
	return e
}

// errCode wraps a WebSocket error message as a *ServerError.
func errCode(m *proto.Error) error {
	return &ServerError{Code: m.Code, Message: m.Message}
}

// isFatal reports whether a connection error ends Run instead of a retry.
func isFatal(err error) bool {
	var se *ServerError
	return errors.As(err, &se) && fatal(se)
}

// keepalive sets the read deadline and extends it on every ping and pong,
// so an idle but healthy connection (a publisher receives almost nothing)
// stays up while a dead one is noticed within readTimeout.
func keepalive(conn *websocket.Conn) {
	extend := func() { conn.SetReadDeadline(time.Now().Add(readTimeout)) }
	extend()
	conn.SetPongHandler(func(string) error { extend(); return nil })
	conn.SetPingHandler(func(data string) error {
		extend()
		// A failed pong shows up as a failed read or write soon enough.
		conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeTimeout))
		return nil
	})
}
