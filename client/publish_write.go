package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// write sends queued messages until the connection fails or End is done.
func (p *Publisher) write(ctx context.Context, conn *websocket.Conn, readErr <-chan error) error {
	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	var sentInit *initSeg
	hdr := make([]byte, 0, proto.HeaderFixedLen+proto.MaxIDLen)
	for {
		msg, init, gen, e, ending := p.pick(sentInit)
		var err error
		switch {
		case msg != nil:
			err = writeJSON(conn, msg)
		case init != nil:
			sentInit = init
			h := proto.Header{Kind: proto.KindInit, Sentinel: p.id, Seq: gen}
			err = writeBinary(conn, proto.AppendHeader(hdr[:0], h), init.payload)
		case e != nil:
			h := proto.Header{Kind: proto.KindMedia, Sentinel: p.id, Seq: e.seq, Time: e.time, Duration: e.dur}
			if e.key {
				h.Flags = proto.FlagKeyframe
			}
			if err = writeBinary(conn, proto.AppendHeader(hdr[:0], h), e.payload); err == nil {
				p.mu.Lock()
				p.stats.Sent++
				p.mu.Unlock()
			}
		case ending:
			return p.sendEnd(conn, readErr)
		default:
			select {
			case <-p.wake:
			case <-ping.C:
				err = conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout))
			case err = <-readErr:
				if err == nil {
					err = errors.New("connection closed")
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err != nil {
			return err
		}
	}
}

// pick chooses what to send next: a details message, the init the next
// segment follows (when not sent on this connection yet), the next segment
// (marked sent), or the current init.
func (p *Publisher) pick(sentInit *initSeg) (msg any, init *initSeg, gen uint64, e *entry, ending bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.detailsPending {
		p.detailsPending = false
		return &proto.Details{Type: proto.TypeDetails, Details: maps.Clone(p.hello.Details)}, nil, 0, nil, false
	}
	if e := p.bl.next(); e != nil {
		if e.init != sentInit {
			return nil, e.init, p.genBase + e.init.gen, nil, false
		}
		return nil, nil, 0, p.bl.take(), false
	}
	if p.cur != nil && p.cur != sentInit {
		return nil, p.cur, p.genBase + p.cur.gen, nil, false
	}
	return nil, nil, 0, nil, p.ending
}

// sendEnd sends "end", then a close frame, and waits briefly for the
// server to close.
func (p *Publisher) sendEnd(conn *websocket.Conn, readErr <-chan error) error {
	if err := writeJSON(conn, &proto.End{Type: proto.TypeEnd}); err != nil {
		return err
	}
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "end")
	// ErrCloseSent: the server's close (its answer to "end") came first and
	// the reader has already answered it; its CloseError below confirms.
	if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeTimeout)); err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		return err
	}
	// The server answers the close frame after reading everything before
	// it; without that answer the end (and maybe segments) is unconfirmed,
	// and the next connection resumes at welcome.next and ends again.
	t := time.NewTimer(endTimeout)
	defer t.Stop()
	select {
	case err := <-readErr:
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || (ce.Code != websocket.CloseNormalClosure && ce.Code != websocket.CloseNoStatusReceived) {
			return fmt.Errorf("end not confirmed: %w", err)
		}
	case <-t.C:
		return errors.New("end not confirmed: no close from the server")
	}
	p.mu.Lock()
	p.stats.Connected = false
	p.mu.Unlock()
	close(p.ended)
	p.log.Info("publishing ended")
	return errEnded
}

func writeJSON(conn *websocket.Conn, m any) error {
	b, err := proto.Encode(m)
	if err != nil {
		return err
	}
	conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return conn.WriteMessage(websocket.TextMessage, b)
}

// writeBinary writes one binary message from its header and payload
// without joining them.
func writeBinary(conn *websocket.Conn, hdr, payload []byte) error {
	conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	w, err := conn.NextWriter(websocket.BinaryMessage)
	if err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	if _, err := w.Write(payload); err != nil {
		return err
	}
	return w.Close()
}
