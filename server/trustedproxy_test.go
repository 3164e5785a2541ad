package server

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// dialAs opens a watcher WebSocket that says, as a reverse proxy does,
// that it is for client xff.
func (e *env) dialAs(t *testing.T, xff string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+e.token(auth.RoleProctor, "proctor1"))
	h.Set("X-Forwarded-For", xff)
	c, _, err := websocket.DefaultDialer.Dial(e.ws+"/v1/watch", h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// expectAdmitted reads the watcher's first message: the sentinel list.
func expectAdmitted(t *testing.T, c *websocket.Conn, who string) {
	t.Helper()
	m, err := readJSON(c)
	if err != nil {
		t.Fatalf("%s: %v", who, err)
	}
	if _, ok := m.(*proto.Sentinels); !ok {
		t.Fatalf("%s: first message %#v, want the sentinel list", who, m)
	}
}

// TestTrustedProxyWebSocketLimit (issue 10 defect 12): behind a trusted
// proxy, the per-address WebSocket limit counts the clients that
// X-Forwarded-For names, not the proxy; from any other peer the header is
// ignored, so a client cannot dodge the limit by sending it.
func TestTrustedProxyWebSocketLimit(t *testing.T) {
	t.Run("trusted", func(t *testing.T) {
		e := startServer(t, func(c *Config) {
			c.MaxConnsPerIP = 1
			c.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		})
		expectAdmitted(t, e.dialAs(t, "203.0.113.1"), "client 1")
		expectAdmitted(t, e.dialAs(t, "203.0.113.2"), "client 2, same proxy")
		expectError(t, e.dialAs(t, "203.0.113.1"), proto.CodeLimit)
		// The rightmost address is the one the trusted proxy appended.
		expectError(t, e.dialAs(t, "198.51.100.7, 203.0.113.2"), proto.CodeLimit)
	})
	t.Run("untrusted", func(t *testing.T) {
		e := startServer(t, func(c *Config) { c.MaxConnsPerIP = 1 })
		expectAdmitted(t, e.dialAs(t, "203.0.113.1"), "client 1")
		expectError(t, e.dialAs(t, "203.0.113.2"), proto.CodeLimit)
	})
	t.Run("other proxy trusted", func(t *testing.T) {
		e := startServer(t, func(c *Config) {
			c.MaxConnsPerIP = 1
			c.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		})
		expectAdmitted(t, e.dialAs(t, "203.0.113.1"), "client 1")
		expectError(t, e.dialAs(t, "203.0.113.2"), proto.CodeLimit)
	})
}
