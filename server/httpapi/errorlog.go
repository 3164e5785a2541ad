package httpapi

import (
	"context"
	"log"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// ErrorLog is the http.Server.ErrorLog of the server: net/http reports
// there what no handler sees (accept errors such as EMFILE, TLS handshake
// failures, panics in handlers), so it goes to slog at level, not debug.
// A client can cause such lines at will (a bad handshake per connection),
// so at most one line goes out per every; the next one says how many
// were dropped in between.
func ErrorLog(l *slog.Logger, level slog.Level, every time.Duration) *log.Logger {
	return log.New(&limitedLog{log: l.With("component", "http"), level: level, every: every, now: time.Now}, "", 0)
}

// limitedLog writes each line of a log.Logger as one slog record, at most
// one per period.
type limitedLog struct {
	log   *slog.Logger
	level slog.Level
	every time.Duration
	now   func() time.Time

	mu      sync.Mutex
	last    time.Time
	dropped int
}

func (w *limitedLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	now := w.now()
	if !w.last.IsZero() && now.Sub(w.last) < w.every {
		w.dropped++
		w.mu.Unlock()
		return len(p), nil
	}
	dropped := w.dropped
	w.last, w.dropped = now, 0
	w.mu.Unlock()
	msg := strings.TrimSpace(string(p))
	if dropped > 0 {
		w.log.Log(context.Background(), w.level, "http server error", "err", msg, "dropped", dropped)
	} else {
		w.log.Log(context.Background(), w.level, "http server error", "err", msg)
	}
	return len(p), nil
}
