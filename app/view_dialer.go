//go:build !serveronly

package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

// Dial takes one server URL or several separated by commas (the nodes of
// a cluster): the checks and the Watcher move to the next when one fails.
func (d *viewDialer) Dial(ctx context.Context, server, token string) (ui.Backend, error) {
	servers, err := client.ParseServers(server)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ui.ErrAddress, err)
	}
	for _, s := range servers {
		if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			return nil, fmt.Errorf("%w: %q: want http(s)://host:port", ui.ErrAddress, s)
		}
	}
	cfg := client.Config{Servers: servers, Token: token, Log: d.log}
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
