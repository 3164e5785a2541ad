package server

// This file admits WebSocket connections: the per-address limit and the
// check of credentials that every endpoint goes through (the WebSocket
// helpers themselves are in server/wsconn).

import (
	"net"
	"net/http"
	"sync"

	"proctor/proto"
	"proctor/server/auth"
)

// clientIP is the remote address without the port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipLimiter counts open connections per client address.
type ipLimiter struct {
	max int

	mu    sync.Mutex
	conns map[string]int
}

func newIPLimiter(max int) *ipLimiter { return &ipLimiter{max: max, conns: make(map[string]int)} }

// acquire takes a slot for ip and reports whether one was free.
func (l *ipLimiter) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[ip] >= l.max {
		return false
	}
	l.conns[ip]++
	return true
}

func (l *ipLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[ip]--; l.conns[ip] <= 0 {
		delete(l.conns, ip)
	}
}

// gate is what the connection packages reach the core through before
// they take a connection: the per-address connection limit and the
// verification of credentials, shared by every endpoint. It implements
// ingest.Gate, watch.Gate and seed.Gate.
type gate struct{ s *Server }

// Admit takes a connection slot for r's client address and verifies its
// token. On success the caller calls release when the connection ends.
func (g gate) Admit(r *http.Request) (auth.Claims, func(), *proto.Error) {
	release, ok := g.Acquire(r)
	if !ok {
		return auth.Claims{}, nil, proto.NewError(proto.CodeLimit, "too many connections from %s", clientIP(r))
	}
	claims, err := g.s.signer.Verify(auth.FromRequest(r), g.s.now())
	if err != nil {
		release()
		return auth.Claims{}, nil, proto.NewError(proto.CodeUnauthorized, "%v", err)
	}
	return claims, release, nil
}

// Acquire takes a connection slot for r's client address, for the seed
// endpoint, whose credential is a stream key in the path.
func (g gate) Acquire(r *http.Request) (func(), bool) {
	ip := clientIP(r)
	if !g.s.limiter.acquire(ip) {
		return nil, false
	}
	return func() { g.s.limiter.release(ip) }, true
}

// VerifyStreamKey reports whether key is channel's seed stream key.
func (g gate) VerifyStreamKey(channel, key string) bool {
	return g.s.signer.VerifyStreamKey(channel, key)
}
