//go:build !serveronly

package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"proctor/client"
	"proctor/ui"
)

// viewDialer connects the desktop app to a server: it checks the address,
// the server's version and the token over HTTP, then starts a Watcher.
type viewDialer struct {
	log *slog.Logger
}

// viewDialTimeout bounds the checks of one connection attempt.
const viewDialTimeout = 8 * time.Second

func (d *viewDialer) Dial(ctx context.Context, server, token string) (ui.Backend, error) {
	server = strings.TrimRight(strings.TrimSpace(server), "/")
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q", ui.ErrAddress, server)
	}
	cfg := client.Config{Server: server, Token: token, Log: d.log}
	h := client.NewHistory(cfg)
	cctx, cancel := context.WithTimeout(ctx, viewDialTimeout)
	defer cancel()
	if _, err := h.Health(cctx); err != nil {
		return nil, viewDialError(err)
	}
	if _, err := h.Sessions(cctx, client.Query{Limit: 1}); err != nil {
		return nil, viewDialError(err)
	}
	return newViewBackend(cfg, h, d.log), nil
}

// viewDialError maps client errors onto the ones the connect screen explains.
func viewDialError(err error) error {
	switch {
	case errors.Is(err, client.ErrVersion):
		return fmt.Errorf("%w: %v", ui.ErrVersion, err)
	case errors.Is(err, client.ErrUnauthorized), errors.Is(err, client.ErrForbidden):
		return fmt.Errorf("%w: %v", ui.ErrRefused, err)
	case errors.Is(err, client.ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", ui.ErrUnreachable, err)
	}
	return err
}
