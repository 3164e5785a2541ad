package client

import (
	"net/http"
	"sync"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// peerWatcher is one watcher connection of the peer.
type peerWatcher struct {
	mu   sync.Mutex // serialises writes
	conn *websocket.Conn
	subs map[string]bool // guarded by peer.mu
}

func (pw *peerWatcher) write(typ int, b []byte) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	pw.conn.WriteMessage(typ, b)
}

func (p *peer) watch(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(w, r) {
		return
	}
	c, err := p.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	p.track(c, true)
	defer p.track(c, false)
	defer c.Close()
	pw := &peerWatcher{conn: c, subs: map[string]bool{}}
	p.mu.Lock()
	list := &proto.Sentinels{Type: proto.TypeSentinels, Sentinels: []proto.SentinelInfo{}}
	for id := range p.media {
		list.Sentinels = append(list.Sentinels, proto.SentinelInfo{ID: id, State: proto.SentinelLive})
	}
	p.mu.Unlock()
	b, _ := proto.Encode(list)
	pw.write(websocket.TextMessage, b)
	defer func() {
		p.mu.Lock()
		delete(p.watchers, c)
		p.mu.Unlock()
	}()
	for {
		_, b, err := c.ReadMessage()
		if err != nil {
			return
		}
		m, err := proto.DecodeMessage(b)
		if err != nil {
			p.t.Errorf("peer: bad watcher message %s: %v", b, err)
			return
		}
		p.mu.Lock()
		p.watchIn = append(p.watchIn, m)
		p.cond.Broadcast()
		var out [][]byte
		switch m := m.(type) {
		case *proto.Subscribe:
			if p.maxSubs > 0 && len(pw.subs)+len(m.Sentinels) > p.maxSubs {
				p.mu.Unlock()
				b, _ := proto.Encode(proto.NewError(proto.CodeLimit, "at most %d subscriptions per connection", p.maxSubs))
				pw.write(websocket.TextMessage, b)
				return
			}
			for _, id := range m.Sentinels {
				pw.subs[id] = true
				msgs := p.media[id]
				for i, msg := range msgs {
					h, _, _ := proto.Decode(msg)
					if i == 0 || m.From == nil || h.Seq >= *m.From {
						out = append(out, msg)
					}
				}
			}
			p.watchers[c] = pw
		case *proto.Unsubscribe:
			for _, id := range m.Sentinels {
				delete(pw.subs, id)
			}
		}
		// Hold the write lock before letting push run, so live messages
		// follow the backlog.
		pw.mu.Lock()
		p.mu.Unlock()
		for _, msg := range out {
			c.WriteMessage(websocket.BinaryMessage, msg)
		}
		pw.mu.Unlock()
	}
}

// push appends a message to a Sentinel's stream and sends it to the
// watchers subscribed to it.
func (p *peer) push(h proto.Header, payload []byte) {
	msg := proto.Marshal(h, payload)
	p.mu.Lock()
	if !p.noKeep || h.Kind == proto.KindInit {
		p.media[h.Sentinel] = append(p.media[h.Sentinel], msg)
	}
	var to []*peerWatcher
	for _, pw := range p.watchers {
		if pw.subs[h.Sentinel] {
			to = append(to, pw)
		}
	}
	p.mu.Unlock()
	for _, pw := range to {
		pw.write(websocket.BinaryMessage, msg)
	}
}

// sendWatchers sends a JSON message to every watcher connection.
func (p *peer) sendWatchers(m any) {
	b, _ := proto.Encode(m)
	p.mu.Lock()
	var to []*peerWatcher
	for _, pw := range p.watchers {
		to = append(to, pw)
	}
	p.mu.Unlock()
	for _, pw := range to {
		pw.write(websocket.TextMessage, b)
	}
}
