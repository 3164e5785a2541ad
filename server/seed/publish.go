package seed

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/ingest"
	"proctor/server/wsconn"
)

// seedPublisher publishes a seed-protocol byte stream as Sentinel
// channel: the stream is reassembled into init segments and fragments,
// numbered by the server, and ingested like any Sentinel's.
type seedPublisher struct {
	*ingest.Publication
	conn *seedConn

	stopOnce sync.Once
	stopped  atomic.Bool // stop told the peer why the connection ends
}

// errSeedIdle means a seed peer sent nothing for a minute.
var errSeedIdle = errors.New("inactivity timeout")

func (sc *seedConn) publish(channel string) {
	sp := &seedPublisher{Publication: sc.s.core.NewPublication(sc.log), conn: sc}
	hello := &proto.Hello{Type: proto.TypeHello, Sentinel: channel, Details: map[string]string{"protocol": "seed"}}
	// A stream key is no token: it names no session, so the publisher
	// continues its own or opens one.
	welcome, perr := sp.Begin(sp, hello, auth.Claims{})
	if perr != nil {
		if perr.Code == proto.CodeConflict {
			sc.refuse("Channel is busy: another client is publishing")
			return
		}
		sc.refuse(perr.Message)
		return
	}
	sc.publishing(sp)
	gen, init, raw := sp.Init()
	f := &seedFramer{id: channel, now: sc.s.now, next: welcome.Next, gen: gen, init: init, raw: raw}
	f.re.MaxBox = int(sc.s.cfg.MaxMessage)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc.heartbeat(done)
	}()
	err := sp.loop(f)
	perr = sp.End(sp, err)
	close(done)
	wg.Wait()
	switch {
	case sp.stopped.Load():
		sc.close(websocket.CloseGoingAway, "")
	case perr != nil:
		sc.refuse(perr.Message)
	case errors.Is(err, errSeedIdle):
		sc.refuse("Inactivity timeout")
	default:
		sc.close(websocket.CloseNormalClosure, "")
	}
}

// loop reads the byte stream until the peer closes (ingest.ErrEnd), goes
// silent, or sends something the server refuses (*proto.Error).
func (sp *seedPublisher) loop(f *seedFramer) error {
	s, c := sp.conn.s, sp.conn.c
	emit := func(_ proto.Kind, msg []byte) error { return sp.Binary(msg) }
	for {
		c.SetReadDeadline(time.Now().Add(s.cfg.SeedIdle))
		typ, b, err := wsconn.ReadMessage(c, s.cfg.MaxMessage)
		switch {
		case errors.Is(err, wsconn.ErrTooLarge):
			return wsconn.ErrorFor(err)
		case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived):
			return ingest.ErrEnd
		case wsconn.IsTimeout(err):
			return errSeedIdle
		case err != nil:
			return err
		}
		if typ != websocket.BinaryMessage {
			continue // "h", or any text: the deadline is renewed
		}
		if err := f.feed(b, emit); err != nil {
			var pe *proto.Error
			if errors.As(err, &pe) {
				return pe
			}
			return wsconn.ErrorFor(err)
		}
	}
}

// Control: a seed publisher has no control channel; keyframe and fps
// requests are dropped.
func (sp *seedPublisher) Control(any) {}

// stop ends the connection with e, from any goroutine (shutdown).
func (sp *seedPublisher) stop(e *proto.Error) {
	sp.stopOnce.Do(func() {
		sp.stopped.Store(true)
		msg := "Connection closed"
		if e != nil {
			msg = e.Message
		}
		sp.conn.write(websocket.TextMessage, []byte("ERROR: "+msg))
		sp.conn.c.NetConn().SetReadDeadline(time.Now())
	})
}
