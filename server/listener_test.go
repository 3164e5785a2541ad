package server

import (
	"io"
	"log/slog"
	"net"
	"net/netip"
	"testing"
	"time"
)

// acceptAll accepts on l until it fails, handing each connection out.
func acceptAll(l net.Listener) <-chan net.Conn {
	ch := make(chan net.Conn, 16)
	go func() {
		defer close(ch)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			ch <- c
		}
	}()
	return ch
}

// refusedAtOnce dials l and reports whether the server end was closed
// without being handed out.
func refusedAtOnce(t *testing.T, addr string) bool {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err == io.EOF || err != nil
}

// TestLimitListenerTotal: the N+1th connection is closed at accept and
// counted; closing one gives its slot back.
func TestLimitListenerTotal(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newLimitListener(ln, 2, 100, nil, slog.New(slog.DiscardHandler))
	defer l.Close()
	got := acceptAll(l)
	addr := ln.Addr().String()
	var clients []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
	}
	first := <-got
	<-got
	if !refusedAtOnce(t, addr) {
		t.Fatal("third connection was not refused")
	}
	if l.Refused() != 1 {
		t.Fatalf("refused %d, want 1", l.Refused())
	}
	first.Close()
	first.Close() // a second Close gives nothing back twice
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case <-got:
	case <-time.After(3 * time.Second):
		t.Fatal("no slot after a close")
	}
	if !refusedAtOnce(t, addr) {
		t.Fatal("over the cap again, but not refused")
	}
}

// TestLimitListenerTrustedProxy: a trusted proxy's address is under the
// total cap only, any other address under the per-address cap.
func TestLimitListenerTrustedProxy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		refused bool
	}{
		{"untrusted", nil, true},
		{"trusted", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			l := newLimitListener(ln, 10, 1, tc.trusted, slog.New(slog.DiscardHandler))
			defer l.Close()
			got := acceptAll(l)
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			<-got
			if r := refusedAtOnce(t, ln.Addr().String()); r != tc.refused {
				t.Fatalf("second connection refused %v, want %v", r, tc.refused)
			}
		})
	}
}

// TestParseTrustedProxy: -trusted-proxy takes a prefix or one address.
func TestParseTrustedProxy(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"10.0.0.5", "10.0.0.5/32"},
		{"::1", "::1/128"},
		{"fd00::/8", "fd00::/8"},
		{"proxy.local", ""},
		{"10.0.0.0/33", ""},
	} {
		p, err := ParseTrustedProxy(tc.in)
		if (err != nil) != (tc.want == "") || (err == nil && p.String() != tc.want) {
			t.Errorf("ParseTrustedProxy(%q) = %v, %v; want %q", tc.in, p, err, tc.want)
		}
	}
}
