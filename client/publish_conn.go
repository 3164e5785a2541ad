package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// errEnded ends a connection after a clean End.
var errEnded = errors.New("ended")

// endTimeout bounds the wait for the server's close after "end".
const endTimeout = 5 * time.Second

// Run connects, publishes and reconnects with backoff until End completes
// (nil), ctx ends (ctx.Err()) or the server refuses the Sentinel for good:
// then the error matches ErrUnauthorized, ErrForbidden, ErrSessionClosed or
// ErrRejected. A conflict (another publisher holds the id, perhaps this
// one's own stale connection) is retried, and logged.
func (p *Publisher) Run(ctx context.Context) (err error) {
	p.mu.Lock()
	if p.running {
		p.mu.Unlock()
		return errors.New("publish: Run called twice")
	}
	p.running = true
	ctx, cancel := context.WithCancel(ctx)
	p.abort = cancel
	p.mu.Unlock()
	defer func() {
		cancel()
		p.mu.Lock()
		p.runErr = err
		p.stats.Connected = false
		p.mu.Unlock()
		close(p.done)
	}()

	bo := newBackoff(p.cfg.MinBackoff, p.cfg.MaxBackoff)
	for {
		err := p.connection(ctx, bo)
		if p.isEnding() && (errors.Is(err, errEnded) || ctx.Err() != nil) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.mu.Lock()
		p.stats.Connected = false
		p.stats.LastError = err.Error()
		p.mu.Unlock()
		if isFatal(err) {
			p.log.Error("ingest refused", "err", err)
			return fmt.Errorf("publish %s: %w", p.id, err)
		}
		p.log.Warn("ingest connection lost; reconnecting", "err", err)
		if bo.wait(ctx) != nil {
			if p.isEnding() {
				return nil
			}
			return ctx.Err()
		}
	}
}

func (p *Publisher) isEnding() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ending
}

// connection runs one ingest connection: hello, welcome, then the writer
// loop here and a reader goroutine for control messages.
func (p *Publisher) connection(ctx context.Context, bo *backoff) error {
	conn, err := p.cfg.dial(ctx, "/v1/ingest")
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	p.mu.Lock()
	hello := p.hello
	hello.Details = maps.Clone(p.hello.Details)
	p.detailsPending = false
	p.mu.Unlock()
	if err := writeJSON(conn, &hello); err != nil {
		return fmt.Errorf("send hello: %w", err)
	}
	w, err := readWelcome(conn)
	if err != nil {
		return err
	}
	p.welcome(w)

	keepalive(conn)
	readErr := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() { readErr <- p.read(conn) })
	err = p.write(ctx, conn, readErr)
	conn.Close()
	wg.Wait()
	if !storeUnavailable(err) {
		bo.reset() // a welcome: the server took us; the next failure starts over
	}
	return err
}

// storeUnavailable reports whether the server refused a segment because
// it cannot store just now: the welcome then proves nothing, so the
// reconnect delay keeps growing instead of hammering a full disk.
func storeUnavailable(err error) bool {
	var se *ServerError
	return errors.As(err, &se) && se.Code == proto.CodeUnavailable
}

func readWelcome(conn *websocket.Conn) (*proto.Welcome, error) {
	conn.SetReadDeadline(time.Now().Add(handshakeTimeout))
	typ, b, err := conn.ReadMessage()
	if err != nil {
		return nil, fmt.Errorf("read welcome: %w", err)
	}
	if typ != websocket.TextMessage {
		return nil, fmt.Errorf("read welcome: got a binary message")
	}
	m, err := proto.DecodeMessage(b)
	if err != nil {
		return nil, fmt.Errorf("read welcome: %w", err)
	}
	switch m := m.(type) {
	case *proto.Welcome:
		return m, nil
	case *proto.Error:
		return nil, errCode(m)
	}
	return nil, fmt.Errorf("read welcome: unexpected %T", m)
}

// welcome applies the server's resume point to the backlog.
func (p *Publisher) welcome(w *proto.Welcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.based {
		p.based = true
		p.bl.rebase(w.Next)
		p.nextSeq += w.Next
		p.genBase = w.Generation
	} else if w.Next > p.nextSeq {
		p.log.Warn("server expects a sequence ahead of this publisher; skipping forward",
			"next", w.Next, "have", p.nextSeq)
		p.nextSeq = w.Next
	}
	if len(p.bl.items) > 0 && p.bl.items[0].seq > w.Next {
		p.log.Warn("segments the server expects were dropped from the backlog",
			"from", w.Next, "to", p.bl.items[0].seq-1)
	}
	p.stats.Resent += p.bl.resume(w.Next)
	p.hello.Session = w.Session
	p.stats.Session = w.Session
	p.stats.Connected = true
	p.stats.Connects++
	p.log.Info("publishing", "session", w.Session, "next", w.Next, "queued", p.bl.unsent())
}

// read handles the server's messages until the connection fails.
func (p *Publisher) read(conn *websocket.Conn) error {
	for {
		typ, b, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		conn.SetReadDeadline(time.Now().Add(readTimeout))
		if typ != websocket.TextMessage {
			continue
		}
		m, err := proto.DecodeMessage(b)
		if err != nil {
			p.log.Warn("ignoring a bad message from the server", "err", err)
			continue
		}
		switch m := m.(type) {
		case *proto.Error:
			return errCode(m)
		case *proto.Keyframe, *proto.FPS:
			if p.opts.OnControl != nil {
				p.opts.OnControl(m)
			}
		}
	}
}
