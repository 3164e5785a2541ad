package server

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// ingestConn is one Sentinel's /v1/ingest connection. The handler
// goroutine reads and processes messages; a writer goroutine owns every
// write (welcome, control, pings, the final error).
type ingestConn struct {
	publication // owned by the reading goroutine
	c           *websocket.Conn
	claims      auth.Claims

	ctl        chan []byte   // control messages for the Sentinel
	quit       chan struct{} // closed by stop
	readerDone chan struct{} // closed when the reading goroutine is done
	writerDone chan struct{}
	stopOnce   sync.Once
	final      *proto.Error // written by the writer on quit; set before quit closes
}

func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	c, err := s.ingestUp.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	claims, release, ok := s.admit(c, r, func(c auth.Claims) bool {
		return c.Role == auth.RoleSentinel || c.Role == auth.RoleAdmin
	}, "publish")
	if !ok {
		return
	}
	defer release()
	ic := &ingestConn{publication: publication{s: s, log: s.log.With("remote", r.RemoteAddr)}, c: c, claims: claims,
		ctl: make(chan []byte, 16), quit: make(chan struct{}), readerDone: make(chan struct{}),
		writerDone: make(chan struct{})}
	ic.run()
}

// stop ends the connection with e (nil: a plain close). Safe from any goroutine.
func (ic *ingestConn) stop(e *proto.Error) {
	ic.stopOnce.Do(func() {
		ic.final = e
		close(ic.quit)
	})
}

// control queues a message for the Sentinel without blocking; a Sentinel
// that does not take its control messages loses them.
func (ic *ingestConn) control(m any) {
	b, err := proto.Encode(m)
	if err != nil {
		return
	}
	select {
	case ic.ctl <- b:
	default:
		ic.log.Warn("control message dropped", "sentinel", ic.media.id)
	}
}

func (ic *ingestConn) run() {
	go ic.writer()
	defer func() {
		close(ic.readerDone)
		<-ic.writerDone
	}()
	ic.c.SetReadDeadline(time.Now().Add(ic.s.cfg.HeartbeatTimeout))
	ic.c.SetPongHandler(func(string) error {
		ic.c.SetReadDeadline(time.Now().Add(ic.s.cfg.HeartbeatTimeout))
		return nil
	})
	hello, perr := ic.readHello()
	if perr != nil {
		ic.reject(perr)
		return
	}
	welcome, perr := ic.begin(ic, hello)
	if perr != nil {
		ic.reject(perr)
		return
	}
	ic.control(welcome)
	if perr := ic.end(ic, ic.loop()); perr != nil {
		ic.reject(perr)
		return
	}
	ic.stop(nil)
}

// kill closes the socket at once, for a shutdown that timed out.
func (ic *ingestConn) kill() { ic.c.NetConn().Close() }

// reject answers a refused connection or message, counted.
func (ic *ingestConn) reject(e *proto.Error) {
	ic.s.m.rejected.Inc(e.Code)
	ic.log.Info("ingest refused", "code", e.Code, "msg", e.Message)
	ic.stop(e)
}

func (ic *ingestConn) readHello() (*proto.Hello, *proto.Error) {
	typ, b, err := readMessage(ic.c, ic.s.cfg.MaxMessage)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, errorFor(err)
		}
		return nil, proto.NewError(proto.CodeBadMessage, "no hello: %v", err)
	}
	if typ != websocket.TextMessage {
		return nil, proto.NewError(proto.CodeBadMessage, "first message must be a JSON hello")
	}
	m, err := proto.DecodeMessage(b)
	if err != nil {
		return nil, errorFor(err)
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
func (ic *ingestConn) loop() error {
	for {
		typ, b, err := readMessage(ic.c, ic.s.cfg.MaxMessage)
		if err != nil {
			if errors.Is(err, errTooLarge) {
				return errorFor(err)
			}
			return err
		}
		ic.c.SetReadDeadline(time.Now().Add(ic.s.cfg.HeartbeatTimeout))
		if typ == websocket.BinaryMessage {
			if err := ic.s.ingestBinary(&ic.publication, b); err != nil {
				return err
			}
			continue
		}
		m, err := proto.DecodeMessage(b)
		if err != nil {
			return errorFor(err)
		}
		switch m := m.(type) {
		case *proto.Details:
			ic.s.setDetails(ic.sn, ic.session, m.Details)
		case *proto.End:
			return errEnd
		default:
			return proto.NewError(proto.CodeBadMessage, "unexpected %T on ingest", m)
		}
	}
}

// writer owns the connection's writes until stop, then writes the final
// error and close frame and closes the socket once the reader is done
// (or after the shutdown timeout).
func (ic *ingestConn) writer() {
	defer close(ic.writerDone)
	timeout := ic.s.cfg.WriteTimeout
	ping := time.NewTicker(ic.s.cfg.PingInterval)
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
			ic.stop(nil)
			ic.finish()
			return
		}
	}
	ic.c.Close()
	<-ic.readerDone
}

func (ic *ingestConn) finish() {
	timeout := ic.s.cfg.WriteTimeout
	// Pending control (the welcome of a session that ends at once) first.
	for n := len(ic.ctl); n > 0; n-- {
		ic.c.SetWriteDeadline(time.Now().Add(timeout))
		ic.c.WriteMessage(websocket.TextMessage, <-ic.ctl)
	}
	if ic.final != nil {
		writeJSON(ic.c, ic.final, timeout)
	}
	code, text := websocket.CloseNormalClosure, ""
	if ic.final != nil {
		code, text = closeCode(ic.final.Code), ic.final.Code
	}
	ic.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(timeout))
	t := time.NewTimer(ic.s.cfg.ShutdownTimeout)
	defer t.Stop()
	select {
	case <-ic.readerDone:
	case <-t.C:
		ic.c.Close()
	}
	<-ic.readerDone
	lingerClose(ic.c)
}
