package app

import (
	"context"
	"log/slog"
	"net"

	"proctor/server"
)

// serveLocal starts a server with cfg on a free loopback port until ctx
// ends. It returns the server's URL and wait, which blocks until the
// server has shut down. The demo and the load tool embed one this way.
func serveLocal(ctx context.Context, cfg server.Config, log *slog.Logger) (url string, wait func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	return serveOn(ctx, ln, cfg, log)
}

// serveOn is serveLocal on a listener the caller opened, for a caller
// that must know the address before the server exists (a cluster node
// advertises its URL when it registers). ln is closed on error.
func serveOn(ctx context.Context, ln net.Listener, cfg server.Config, log *slog.Logger) (url string, wait func() error, err error) {
	s, err := server.New(cfg, log)
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), func() error { return <-done }, nil
}
