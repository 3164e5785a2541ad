package server

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// seedPublisher publishes a seed-protocol byte stream as Sentinel
// channel: the stream is reassembled into init segments and fragments,
// numbered by the server, and ingested like any Sentinel's.
type seedPublisher struct {
	publication
	conn *seedConn

	stopOnce sync.Once
	stopped  atomic.Bool // stop told the peer why the connection ends
}

// errSeedIdle means a seed peer sent nothing for a minute.
var errSeedIdle = errors.New("inactivity timeout")

func (sc *seedConn) publish(channel string) {
	sp := &seedPublisher{publication: publication{s: sc.s, log: sc.log}, conn: sc}
	hello := &proto.Hello{Type: proto.TypeHello, Sentinel: channel, Details: map[string]string{"protocol": "seed"}}
	welcome, perr := sp.begin(sp, hello)
	if perr != nil {
		if perr.Code == proto.CodeConflict {
			sc.refuse("Channel is busy: another client is publishing")
			return
		}
		sc.refuse(perr.Message)
		return
	}
	f := &seedFramer{id: channel, now: sc.s.now, next: welcome.Next,
		gen: sp.media.gen, init: sp.media.init, raw: sp.media.initPayload}
	f.re.MaxBox = int(sc.s.cfg.MaxMessage)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc.heartbeat(done)
	}()
	err := sp.loop(f)
	perr = sp.end(sp, err)
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

// loop reads the byte stream until the peer closes (errEnd), goes
// silent, or sends something the server refuses (*proto.Error).
func (sp *seedPublisher) loop(f *seedFramer) error {
	s, c := sp.s, sp.conn.c
	emit := func(_ proto.Kind, msg []byte) error { return s.ingestBinary(&sp.publication, msg) }
	for {
		c.SetReadDeadline(time.Now().Add(s.cfg.SeedIdle))
		typ, b, err := readMessage(c, s.cfg.MaxMessage)
		switch {
		case errors.Is(err, errTooLarge):
			return errorFor(err)
		case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived):
			return errEnd
		case isTimeout(err):
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
			return errorFor(err)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// control: a seed publisher has no control channel; keyframe and fps
// requests are dropped.
func (sp *seedPublisher) control(any) {}

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

func (sp *seedPublisher) kill() { sp.conn.c.NetConn().Close() }
