package ingest

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/wsconn"
)

// conn is one Sentinel's /v1/ingest connection. The handler
// goroutine reads and processes messages; a writer goroutine owns every
// write (welcome, control, pings, the final error).
type conn struct {
	*Publication // owned by the reading goroutine
	srv          *Server
	c            *websocket.Conn
	claims       auth.Claims

	ctl        chan []byte   // control messages for the Sentinel
	quit       chan struct{} // closed by stop
	readerDone chan struct{} // closed when the reading goroutine is done
	writerDone chan struct{}
	stopOnce   sync.Once
	final      *proto.Error // written by the writer on quit; set before quit closes
}

// Stop ends the connection with e (nil: a plain close). Safe from any goroutine.
func (ic *conn) Stop(e *proto.Error) {
	ic.stopOnce.Do(func() {
		ic.final = e
		close(ic.quit)
	})
}

// Control queues a message for the Sentinel without blocking; a Sentinel
// that does not take its control messages loses them.
func (ic *conn) Control(m any) {
	b, err := proto.Encode(m)
	if err != nil {
		return
	}
	select {
	case ic.ctl <- b:
	default:
		ic.core.Limit.Log(ic.log, slog.LevelWarn, "control/"+ic.media.id, "control message dropped", "sentinel", ic.media.id)
	}
}

func (ic *conn) run() {
	go ic.writer()
	defer func() {
		close(ic.readerDone)
		<-ic.writerDone
	}()
	ic.c.SetReadDeadline(time.Now().Add(ic.srv.cfg.HeartbeatTimeout))
	ic.c.SetPongHandler(func(string) error {
		ic.c.SetReadDeadline(time.Now().Add(ic.srv.cfg.HeartbeatTimeout))
		return nil
	})
	hello, perr := ic.readHello()
	if perr != nil {
		ic.reject(perr)
		return
	}
	welcome, perr := ic.Begin(ic, hello, ic.claims)
	if perr != nil {
		ic.reject(perr)
		return
	}
	ic.Control(welcome)
	if perr := ic.End(ic, ic.loop()); perr != nil {
		ic.reject(perr)
		return
	}
	ic.Stop(nil)
}

// Kill closes the socket at once, for a shutdown that timed out.
func (ic *conn) Kill() { ic.c.NetConn().Close() }

// reject answers a refused connection or message, counted.
func (ic *conn) reject(e *proto.Error) {
	ic.core.Metrics.Rejected.Add(1)
	// A Sentinel told to retry (unavailable) comes back within a second.
	ic.core.Limit.Log(ic.log, slog.LevelInfo, "refused/"+e.Code+"/"+ic.media.id, "ingest refused", "code", e.Code, "msg", e.Message)
	ic.Stop(e)
}

func (ic *conn) readHello() (*proto.Hello, *proto.Error) {
	typ, b, err := wsconn.ReadMessage(ic.c, ic.srv.cfg.MaxMessage)
	if err != nil {
		if errors.Is(err, wsconn.ErrTooLarge) {
			return nil, wsconn.ErrorFor(err)
		}
		return nil, proto.NewError(proto.CodeBadMessage, "no hello: %v", err)
	}
	if typ != websocket.TextMessage {
		return nil, proto.NewError(proto.CodeBadMessage, "first message must be a JSON hello")
	}
	m, err := proto.DecodeMessage(b)
	if err != nil {
		return nil, wsconn.ErrorFor(err)
	}
	hello, ok := m.(*proto.Hello)
	if !ok {
		return nil, proto.NewError(proto.CodeBadMessage, "first message must be a hello")
	}
	if !ic.claims.CanPublish(hello.Sentinel) {
		return nil, proto.NewError(proto.CodeForbidden, "token may not publish as %s", hello.Sentinel)
	}
	return hello, nil
}

// loop processes messages until the connection ends. It returns a
// *proto.Error for a fatal protocol error.
func (ic *conn) loop() error {
	for {
		typ, b, err := wsconn.ReadMessage(ic.c, ic.srv.cfg.MaxMessage)
		if err != nil {
			if errors.Is(err, wsconn.ErrTooLarge) {
				return wsconn.ErrorFor(err)
			}
			return err
		}
		ic.c.SetReadDeadline(time.Now().Add(ic.srv.cfg.HeartbeatTimeout))
		ic.core.flushDetails(ic.Publication, false)
		if typ == websocket.BinaryMessage {
			if err := ic.Binary(b); err != nil {
				return err
			}
			continue
		}
		m, err := proto.DecodeMessage(b)
		if err != nil {
			return wsconn.ErrorFor(err)
		}
		switch m := m.(type) {
		case *proto.Details:
			ic.core.setDetails(ic.Publication, m.Details)
		case *proto.End:
			return ErrEnd
		default:
			return proto.NewError(proto.CodeBadMessage, "unexpected %T on ingest", m)
		}
	}
}

// writer owns the connection's writes until stop, then writes the final
// error and close frame and closes the socket once the reader is done
// (or after the shutdown timeout).
func (ic *conn) writer() {
	defer close(ic.writerDone)
	timeout := ic.srv.cfg.WriteTimeout
	ping := time.NewTicker(ic.srv.cfg.PingInterval)
	defer ping.Stop()
	broken := false
	for !broken {
		select {
		case b := <-ic.ctl:
			ic.c.SetWriteDeadline(time.Now().Add(timeout))
			broken = ic.c.WriteMessage(websocket.TextMessage, b) != nil
		case <-ping.C:
			broken = ic.c.WriteControl(websocket.PingMessage, nil, time.Now().Add(timeout)) != nil
		case <-ic.quit:
			ic.finish()
			return
		case <-ic.readerDone: // the reader always stops first; be safe anyway
			ic.Stop(nil)
			ic.finish()
			return
		}
	}
	ic.c.Close()
	<-ic.readerDone
}

func (ic *conn) finish() {
	timeout := ic.srv.cfg.WriteTimeout
	// Pending control (the welcome of a session that ends at once) first.
	for n := len(ic.ctl); n > 0; n-- {
		ic.c.SetWriteDeadline(time.Now().Add(timeout))
		ic.c.WriteMessage(websocket.TextMessage, <-ic.ctl)
	}
	if ic.final != nil {
		wsconn.WriteJSON(ic.c, ic.final, timeout)
	}
	code, text := websocket.CloseNormalClosure, ""
	if ic.final != nil {
		code, text = wsconn.CloseCode(ic.final.Code), ic.final.Code
	}
	ic.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(timeout))
	t := time.NewTimer(ic.srv.cfg.ShutdownTimeout)
	defer t.Stop()
	select {
	case <-ic.readerDone:
	case <-t.C:
		ic.c.Close()
	}
	<-ic.readerDone
	wsconn.LingerClose(ic.c)
}
