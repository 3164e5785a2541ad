package watch

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/hub"
	"proctor/server/live"
	"proctor/server/wsconn"
)

// maxQueuedText bounds a watcher's queue of text messages other than the
// coalesced sentinel events; a watcher that lets it overflow is dropped.
const maxQueuedText = 1024

// watcher is one /v1/watch connection. The handler goroutine reads
// requests; the writer goroutine owns every write: queued text messages
// first, then media from the cursors, round robin.
type watcher struct {
	s    *Server
	c    *websocket.Conn
	log  *slog.Logger
	wake chan struct{} // capacity 1: cursors and queues signal here

	quit       chan struct{}
	writerDone chan struct{}
	stopOnce   sync.Once
	final      *proto.Error

	mu      sync.Mutex
	subs    map[string]*sub
	subList []*sub // rebuilt when subs change; read by the writer
	subVer  int
	events  map[string][]byte // latest sentinel event per id, not yet sent
	evOrder []string
	texts   [][]byte

	// as is what the live registry knows this watcher as: itself, or the
	// session filter of GET /v1/sessions/{sid}/stream.
	as live.Watcher
	// allow says whether the watcher may subscribe to a Sentinel (nil: any).
	allow func(id string) bool
}

// sub is one subscription of a watcher.
type sub struct {
	id     string
	cur    *hub.Cursor
	closed atomic.Bool
}

func newWatcher(s *Server, c *websocket.Conn, log *slog.Logger) *watcher {
	w := &watcher{s: s, c: c, log: log, wake: make(chan struct{}, 1),
		quit: make(chan struct{}), writerDone: make(chan struct{}),
		subs: make(map[string]*sub), events: make(map[string][]byte)}
	w.as = w
	return w
}

func (w *watcher) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Stop ends the connection with e (nil: a plain close).
func (w *watcher) Stop(e *proto.Error) {
	w.stopOnce.Do(func() {
		w.final = e
		close(w.quit)
	})
}

// Event queues the sentinel event b for id, replacing an unsent one.
func (w *watcher) Event(id string, b []byte) {
	w.mu.Lock()
	if _, ok := w.events[id]; !ok {
		w.evOrder = append(w.evOrder, id)
	}
	w.events[id] = b
	w.mu.Unlock()
	w.signal()
}

// Text queues a text message.
func (w *watcher) Text(b []byte) {
	w.mu.Lock()
	over := len(w.texts) >= maxQueuedText
	if !over {
		w.texts = append(w.texts, b)
	}
	w.mu.Unlock()
	if over {
		w.Stop(proto.NewError(proto.CodeLimit, "too slow to take control messages"))
		return
	}
	w.signal()
}

// nextText pops the next queued text message.
func (w *watcher) nextText() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.texts) > 0 {
		b := w.texts[0]
		w.texts[0] = nil
		w.texts = w.texts[1:]
		return b
	}
	if len(w.evOrder) > 0 {
		id := w.evOrder[0]
		w.evOrder = w.evOrder[1:]
		b := w.events[id]
		delete(w.events, id)
		return b
	}
	return nil
}

// subscriptions returns the current subscriptions if they changed since ver.
func (w *watcher) subscriptions(ver int, cur []*sub) ([]*sub, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ver == w.subVer {
		return cur, ver
	}
	return w.subList, w.subVer
}

// writer runs until stop, then writes the final error and a close frame;
// after a failed write it closes the socket to end the reader.
func (w *watcher) writer() {
	defer close(w.writerDone)
	ping := time.NewTicker(w.s.cfg.PingInterval)
	defer ping.Stop()
	var subs []*sub
	ver := -1
	for {
		select { // a busy writer still pings and notices stop
		case <-w.quit:
			w.finish()
			return
		case <-ping.C:
			if !w.ping() {
				return
			}
		default:
		}
		if b := w.nextText(); b != nil {
			if !w.write(websocket.TextMessage, b) {
				w.c.Close()
				return
			}
			continue
		}
		subs, ver = w.subscriptions(ver, subs)
		progressed := false
		for _, sb := range subs {
			if sb.closed.Load() {
				continue
			}
			it, ok, err := sb.cur.Next()
			if err != nil || !ok {
				continue
			}
			progressed = true
			if !w.deliver(sb, it) {
				w.c.Close()
				return
			}
		}
		if progressed {
			continue
		}
		select {
		case <-w.wake:
		case <-ping.C:
			if !w.ping() {
				return
			}
		case <-w.quit:
			w.finish()
			return
		}
	}
}

// deliver writes one item of sb's cursor: the shared message bytes as
// they are, or a skipped notice.
func (w *watcher) deliver(sb *sub, it hub.Item) bool {
	if it.Kind == hub.ItemSkipped {
		w.s.m.Skips.Add(1)
		w.s.limit.Log(w.log, slog.LevelInfo, "skip/"+sb.id, "watcher skipped", "sentinel", sb.id, "from", it.From, "to", it.To)
		b, _ := proto.Encode(&proto.Skipped{Type: proto.TypeSkipped, Sentinel: sb.id, From: it.From, To: it.To})
		return w.write(websocket.TextMessage, b)
	}
	if !w.write(websocket.BinaryMessage, it.Msg) {
		return false
	}
	w.s.m.BytesOut.Add(int64(len(it.Msg)))
	w.s.m.MessagesOut.Add(1)
	return true
}

func (w *watcher) ping() bool {
	if err := w.c.WriteControl(websocket.PingMessage, nil, time.Now().Add(w.s.cfg.WriteTimeout)); err != nil {
		w.c.Close()
		return false
	}
	return true
}

func (w *watcher) write(typ int, b []byte) bool {
	w.c.SetWriteDeadline(time.Now().Add(w.s.cfg.WriteTimeout))
	if err := w.c.WriteMessage(typ, b); err != nil {
		w.s.m.WriteFailures.Add(1)
		w.log.Info("watcher write failed", "err", err)
		return false
	}
	return true
}

func (w *watcher) finish() {
	timeout := w.s.cfg.WriteTimeout
	code, text := websocket.CloseNormalClosure, ""
	if w.final != nil {
		wsconn.WriteJSON(w.c, w.final, timeout)
		code, text = wsconn.CloseCode(w.final.Code), w.final.Code
	}
	w.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(timeout))
	// The reader ends when the peer answers the close, or soon anyway.
	w.c.NetConn().SetReadDeadline(time.Now().Add(time.Second))
}

// Kill closes the socket at once, for a shutdown out of time.
func (w *watcher) Kill() { w.c.NetConn().Close() }
