package server

import (
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// limitListener caps the open connections of a listener, in total and per
// peer address, so that one client (or a flood of them) cannot take every
// file descriptor before any handler runs. Past a cap, Accept accepts the
// connection and closes it at once (the client sees a reset or EOF, not a
// stalled connect in the backlog), counts it and goes on accepting. A
// trusted proxy's address is under the total cap only: the clients behind
// it are told apart later, by X-Forwarded-For. A connection gives its slot
// back when it is closed, also after an HTTP hijack (WebSockets close the
// same net.Conn).
type limitListener struct {
	net.Listener
	max, maxPerIP int
	trusted       []netip.Prefix
	log           *slog.Logger
	refused       atomic.Uint64

	mu       sync.Mutex
	open     int
	perIP    map[netip.Addr]int
	lastLog  time.Time
	unlogged uint64
}

func newLimitListener(ln net.Listener, max, maxPerIP int, trusted []netip.Prefix, log *slog.Logger) *limitListener {
	return &limitListener{Listener: ln, max: max, maxPerIP: maxPerIP, trusted: trusted, log: log,
		perIP: make(map[netip.Addr]int)}
}

// Accept returns the next connection under the caps.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := peerAddr(c.RemoteAddr())
		if l.acquire(ip) {
			return limited(c, func() { l.release(ip) }), nil
		}
		l.refuse(ip) // counted before the peer can see the close
		c.Close()
	}
}

// Refused is the number of connections closed at accept for a cap.
func (l *limitListener) Refused() uint64 { return l.refused.Load() }

func (l *limitListener) acquire(ip netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max {
		return false
	}
	if !l.isTrusted(ip) {
		if l.perIP[ip] >= l.maxPerIP {
			return false
		}
		l.perIP[ip]++
	}
	l.open++
	return true
}

func (l *limitListener) release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if !l.isTrusted(ip) {
		if l.perIP[ip]--; l.perIP[ip] <= 0 {
			delete(l.perIP, ip)
		}
	}
}

func (l *limitListener) isTrusted(ip netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// refuse counts a refused connection and logs at most once a second, with
// the number refused since the last line.
func (l *limitListener) refuse(ip netip.Addr) {
	total := l.refused.Add(1)
	l.mu.Lock()
	l.unlogged++
	now := time.Now()
	if now.Sub(l.lastLog) < time.Second {
		l.mu.Unlock()
		return
	}
	n := l.unlogged
	l.unlogged, l.lastLog = 0, now
	l.mu.Unlock()
	l.log.Warn("connection refused: too many open", "client", ip.String(), "refused", n, "refused_total", total,
		"max", l.max, "max_per_ip", l.maxPerIP)
}

// peerAddr is the IP address of a connection's peer (the zero Addr for a
// peer that is not IP, which then shares one per-address slot count).
func peerAddr(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(ta.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// limited wraps c so that its first Close calls release. A TCP connection
// gets limitedTCPConn, which keeps writev.
func limited(c net.Conn, release func()) net.Conn {
	if tc, ok := c.(*net.TCPConn); ok {
		return &limitedTCPConn{TCPConn: tc, release: release}
	}
	return &limitedConn{Conn: c, release: release}
}

// limitedTCPConn is limitedConn for a TCP connection. It embeds the
// *net.TCPConn itself rather than the net.Conn interface so that the net
// package's unexported writev method is promoted and net.Buffers.WriteTo
// still finds it: gorilla/websocket sends a frame's header and payload as
// net.Buffers, which through an interface wrapper became one write system
// call (and one TCP segment) per buffer, twice the calls for every seed
// receiver and fragment (issue 10 part D). ReadFrom (sendfile) is
// promoted too.
type limitedTCPConn struct {
	*net.TCPConn
	once    sync.Once
	release func()
}

func (c *limitedTCPConn) Close() error {
	err := c.TCPConn.Close()
	c.once.Do(c.release)
	return err
}

// limitedConn gives its listener slot back on the first Close.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// ReadFrom keeps sendfile for the responses net/http copies from files:
// net/http looks for io.ReaderFrom on the connection.
func (c *limitedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}
