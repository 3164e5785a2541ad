package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// Run connects and reconnects with backoff until ctx ends or Close is
// called (it then returns nil), or the server refuses the token for good
// (an error matching ErrUnauthorized or ErrForbidden). Every goroutine of
// the Watcher has ended when Run returns.
func (w *Watcher) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running || w.stopped {
		w.mu.Unlock()
		return fmt.Errorf("watch: %w", ErrClosed)
	}
	w.running = true
	ctx, cancel := context.WithCancel(ctx)
	w.cancel = cancel
	w.mu.Unlock()
	defer func() {
		cancel()
		w.mu.Lock()
		w.stopLocked()
		w.mu.Unlock()
		close(w.events)
		close(w.done)
	}()

	bo := newBackoff(w.cfg.MinBackoff, w.cfg.MaxBackoff)
	for {
		srv := w.srv.current()
		err := w.connection(ctx, bo, srv)
		if ctx.Err() != nil {
			return nil
		}
		w.event(ConnState{Err: err})
		if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) {
			w.log.Error("watch refused", "err", err)
			return fmt.Errorf("watch: %w", err)
		}
		var se *ServerError
		if errors.As(err, &se) && se.Code == proto.CodeLimit && strings.Contains(se.Message, "subscription") {
			w.overLimit(se)
		}
		w.log.Warn("watch connection lost; reconnecting", "err", err, "server", w.cfg.base(srv))
		if failover(err) {
			if next := w.srv.failed(srv); next != srv {
				w.log.Info("trying the next server", "server", w.cfg.base(next))
			}
		}
		if bo.wait(ctx) != nil {
			return nil
		}
	}
}

// connection runs one /v1/watch connection to server srv of the list:
// this goroutine reads, a second one writes the queued control messages.
func (w *Watcher) connection(ctx context.Context, bo *backoff, srv int) error {
	conn, err := w.cfg.dial(ctx, srv, "/v1/watch")
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	w.mu.Lock()
	w.connected = true
	w.queue = w.queue[:0]
	for _, s := range w.sorted() {
		w.send(&proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: []string{s.id}, From: s.resumeFrom()})
	}
	for id, fps := range w.fps {
		w.send(&proto.FPS{Type: proto.TypeFPS, Sentinel: id, FPS: fps})
	}
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.connected = false
		w.queue = w.queue[:0]
		w.mu.Unlock()
	}()
	w.event(ConnState{Connected: true})
	w.log.Info("watching", "server", w.cfg.base(srv))

	keepalive(conn)
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := w.write(ctx, conn); err != nil && ctx.Err() == nil {
			w.log.Debug("watch write failed", "err", err)
		}
		cancel() // unblocks the reader through the AfterFunc
	})
	err = w.read(conn, bo)
	cancel()
	wg.Wait()
	return err
}

// write sends queued control messages and pings until ctx ends.
func (w *Watcher) write(ctx context.Context, conn *websocket.Conn) error {
	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	var batch []any
	for {
		w.mu.Lock()
		batch = append(batch[:0], w.queue...)
		clear(w.queue)
		w.queue = w.queue[:0]
		w.mu.Unlock()
		for _, m := range batch {
			if err := writeJSON(conn, m); err != nil {
				return err
			}
		}
		clear(batch)
		select {
		case <-w.wake:
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// read dispatches received messages until the connection fails. The
// backoff resets at the first message: a server that accepts and at once
// drops the connection is retried ever more slowly.
func (w *Watcher) read(conn *websocket.Conn, bo *backoff) error {
	var scratch bytes.Buffer
	for first := true; ; first = false {
		typ, b, err := readMessage(conn, &scratch)
		if err != nil {
			return err
		}
		if first {
			bo.reset()
		}
		conn.SetReadDeadline(time.Now().Add(readTimeout))
		if typ == websocket.BinaryMessage {
			w.media(b)
			continue
		}
		m, err := proto.DecodeMessage(b)
		if err != nil {
			w.log.Warn("ignoring a bad message from the server", "err", err)
			continue
		}
		switch m := m.(type) {
		case *proto.Skipped:
			w.mu.Lock()
			if s := w.subs[m.Sentinel]; s != nil {
				s.deliver(Media{Header: proto.Header{Kind: proto.KindMedia, Sentinel: m.Sentinel}, Skipped: m})
			}
			w.mu.Unlock()
		case *proto.Error:
			if m.Sentinel == "" {
				return errCode(m)
			}
			w.log.Warn("server refused a request", "sentinel", m.Sentinel, "code", m.Code, "message", m.Message)
			w.event(m)
		case *proto.Sentinels, *proto.SentinelEvent, *proto.MarkerEvent:
			w.event(m)
		}
	}
}

// readMessage reads one message into scratch (reused, so it stops growing
// at the largest message) and returns an exact-size copy that the caller
// may hand out: one allocation per message instead of io.ReadAll's
// repeated growth.
func readMessage(conn *websocket.Conn, scratch *bytes.Buffer) (int, []byte, error) {
	typ, r, err := conn.NextReader()
	if err != nil {
		return 0, nil, err
	}
	scratch.Reset()
	if _, err := scratch.ReadFrom(r); err != nil {
		return 0, nil, err
	}
	b := bytes.Clone(scratch.Bytes())
	if scratch.Cap() > 16<<20 {
		*scratch = bytes.Buffer{} // do not keep an outlier's buffer forever
	}
	return typ, b, nil
}

// media hands a binary message to its subscription.
func (w *Watcher) media(b []byte) {
	h, payload, err := proto.Decode(b)
	if err != nil {
		w.log.Warn("ignoring a bad media message", "err", err)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if s := w.subs[h.Sentinel]; s != nil {
		s.deliver(Media{Header: h, Payload: payload})
	}
}
