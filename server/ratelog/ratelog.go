// Package ratelog rate-limits log lines that a peer can cause at any rate
// (a skip, a gap, a dropped control message, a store error per segment),
// so that one misbehaving connection cannot flood the log. The server's
// connection packages log every such event through one Limiter.
package ratelog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// DefaultEvery is the period of a Limiter whose Every is zero.
const DefaultEvery = time.Second

// Limiter lets through at most one log line per key and period; the next
// line let through says how many were suppressed in between. The zero
// value is ready (one line per second per key, the wall clock).
type Limiter struct {
	// Every is the period (DefaultEvery when zero).
	Every time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu   sync.Mutex
	keys map[string]*state
}

type state struct {
	last       time.Time
	suppressed int
}

// maxKeys bounds the remembered keys; past it the oldest periods are
// forgotten (a key seen again after that simply logs).
const maxKeys = 4096

// Log writes msg with args to log at level unless a line of key was let
// through less than a period ago. key names the kind of event and its
// source (say "gap/cam-1"), so one noisy source does not hide another.
func (l *Limiter) Log(log *slog.Logger, level slog.Level, key, msg string, args ...any) {
	n, ok := l.allow(key)
	if !ok {
		return
	}
	if n > 0 {
		args = append(args, "suppressed", n)
	}
	log.Log(context.Background(), level, msg, args...)
}

// allow reports whether a line of key may be written now, and how many
// were suppressed since the last one.
func (l *Limiter) allow(key string) (int, bool) {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	every := l.Every
	if every <= 0 {
		every = DefaultEvery
	}
	t := now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keys == nil {
		l.keys = make(map[string]*state)
	}
	st := l.keys[key]
	if st == nil {
		if len(l.keys) >= maxKeys {
			l.forget(t, every)
		}
		l.keys[key] = &state{last: t}
		return 0, true
	}
	if t.Sub(st.last) < every {
		st.suppressed++
		return 0, false
	}
	n := st.suppressed
	st.last, st.suppressed = t, 0
	return n, true
}

// forget drops the keys whose period is over (all of them, when none is).
func (l *Limiter) forget(now time.Time, every time.Duration) {
	for k, st := range l.keys {
		if now.Sub(st.last) >= every {
			delete(l.keys, k)
		}
	}
	if len(l.keys) >= maxKeys {
		clear(l.keys)
	}
}
