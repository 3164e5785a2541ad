package watch

import (
	"errors"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/wsconn"
)

// maxWatchMessage bounds a watcher's requests, which are small JSON.
const maxWatchMessage = 64 << 10

// read processes the watcher's requests until the connection ends; a
// *proto.Error is a fatal bad request.
func (w *watcher) read() error {
	c := w.c
	timeout := 2*w.s.cfg.PingInterval + w.s.cfg.WriteTimeout
	c.SetReadDeadline(time.Now().Add(timeout))
	c.SetPongHandler(func(string) error {
		c.SetReadDeadline(time.Now().Add(timeout))
		return nil
	})
	limit := min(w.s.cfg.MaxMessage, maxWatchMessage)
	for {
		typ, b, err := wsconn.ReadMessage(c, limit)
		if err != nil {
			if errors.Is(err, wsconn.ErrTooLarge) {
				return wsconn.ErrorFor(err)
			}
			return err
		}
		c.SetReadDeadline(time.Now().Add(timeout))
		if typ != websocket.TextMessage {
			return proto.NewError(proto.CodeBadMessage, "watchers send JSON text messages only")
		}
		m, err := proto.DecodeMessage(b)
		if err != nil {
			return wsconn.ErrorFor(err)
		}
		if err := w.handle(m); err != nil {
			return err
		}
	}
}

func (w *watcher) handle(m any) error {
	switch m := m.(type) {
	case *proto.Subscribe:
		return w.subscribe(m)
	case *proto.Unsubscribe:
		for _, id := range m.Sentinels {
			w.unsubscribe(id)
		}
	case *proto.Keyframe:
		if m.Sentinel == "" {
			return proto.NewError(proto.CodeBadMessage, "keyframe needs a sentinel")
		}
		if sn := w.s.live.Lookup(m.Sentinel); sn != nil {
			sn.Keyframe()
		}
	case *proto.FPS:
		if m.Sentinel == "" {
			return proto.NewError(proto.CodeBadMessage, "fps needs a sentinel")
		}
		if sn := w.s.live.Lookup(m.Sentinel); sn != nil {
			sn.SetFPS(w.as, m.FPS)
		}
	default:
		return proto.NewError(proto.CodeBadMessage, "unexpected %T on watch", m)
	}
	return nil
}

func (w *watcher) subscribe(m *proto.Subscribe) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range m.Sentinels {
		if _, ok := w.subs[id]; ok {
			continue
		}
		if w.allow != nil && !w.allow(id) {
			return proto.NewError(proto.CodeNotFound, "sentinel %s is not in this session", id)
		}
		if len(w.subs) >= w.s.cfg.MaxSubscriptions {
			return proto.NewError(proto.CodeLimit, "at most %d subscriptions per connection", w.s.cfg.MaxSubscriptions)
		}
		st := w.s.live.Stream(id)
		if st == nil {
			return proto.NewError(proto.CodeShutdown, "server is shutting down")
		}
		w.subs[id] = &sub{id: id, cur: st.Subscribe(m.From, w.wake)}
	}
	w.rebuildLocked()
	return nil
}

func (w *watcher) unsubscribe(id string) {
	w.mu.Lock()
	sb := w.subs[id]
	if sb != nil {
		delete(w.subs, id)
		w.rebuildLocked()
	}
	w.mu.Unlock()
	if sb == nil {
		return
	}
	sb.closed.Store(true)
	sb.cur.Close()
	if sn := w.s.live.Lookup(id); sn != nil {
		sn.SetFPS(w.as, 0)
	}
	w.s.live.Release(id)
}

func (w *watcher) rebuildLocked() {
	w.subList = make([]*sub, 0, len(w.subs))
	for _, sb := range w.subs {
		w.subList = append(w.subList, sb)
	}
	w.subVer++
}

// cleanup releases the cursors and requests of a finished watcher.
func (w *watcher) cleanup() {
	w.mu.Lock()
	ids := make([]string, 0, len(w.subs))
	for id := range w.subs {
		ids = append(ids, id)
	}
	w.mu.Unlock()
	for _, id := range ids {
		w.unsubscribe(id)
	}
	w.s.live.RemoveWatcher(w.as)
}
