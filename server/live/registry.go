package live

import (
	"sort"
	"sync"
	"time"

	"proctor/proto"
	"proctor/server/hub"
)

// Local is the in-process Registry: the Sentinels this node holds, over
// its own hub, and the watchers connected to it.
type Local struct {
	hub *hub.Hub

	mu        sync.Mutex
	sentinels map[string]*Sentinel // listed Sentinels: connected, or offline with a non-final session
	watchers  map[Watcher]struct{}
}

// NewLocal returns the in-process registry over h.
func NewLocal(h *hub.Hub) *Local {
	return &Local{hub: h, sentinels: make(map[string]*Sentinel), watchers: make(map[Watcher]struct{})}
}

// Attach makes pub the publisher of id. It fails when another publisher
// is connected or the hub is closed.
func (l *Local) Attach(id string, pub Publisher) (*Sentinel, *hub.Stream, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.hub.Stream(id)
	if st == nil {
		return nil, nil, false
	}
	sn := l.sentinels[id]
	if sn == nil {
		sn = &Sentinel{id: id, stream: st, fpsReq: make(map[Watcher]float64),
			info: proto.SentinelInfo{ID: id, State: proto.SentinelOffline}}
		l.sentinels[id] = sn
	}
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.pub != nil {
		return nil, nil, false
	}
	st.Hold()
	sn.pub, sn.stream, sn.sentFPS = pub, st, 0
	return sn, st, true
}

// Detach ends pub's turn as publisher of sn.
func (l *Local) Detach(sn *Sentinel, pub Publisher) {
	sn.mu.Lock()
	if pub != nil && sn.pub == pub {
		sn.pub = nil
		sn.info.State = proto.SentinelOffline
		sn.stream.Release()
	}
	sn.mu.Unlock()
	l.Changed(sn)
}

// Lookup returns the listed Sentinel id.
func (l *Local) Lookup(id string) *Sentinel {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sentinels[id]
}

// List returns the listed Sentinels sorted by id.
func (l *Local) List() []*Sentinel {
	l.mu.Lock()
	out := make([]*Sentinel, 0, len(l.sentinels))
	for _, sn := range l.sentinels {
		out = append(out, sn)
	}
	l.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// Sentinels returns the live list (httpapi.Live).
func (l *Local) Sentinels() []proto.SentinelInfo {
	sns := l.List()
	out := make([]proto.SentinelInfo, 0, len(sns))
	for _, sn := range sns {
		out = append(out, sn.Snapshot())
	}
	return out
}

// Unlist removes an offline Sentinel whose session ended, telling watchers.
func (l *Local) Unlist(sn *Sentinel) {
	l.mu.Lock()
	sn.mu.Lock()
	gone := sn.pub == nil
	sn.mu.Unlock()
	if gone && l.sentinels[sn.id] == sn {
		delete(l.sentinels, sn.id)
		// The session is over: its ring stays a window long for watchers
		// catching up or resuming with "from", then the sweep drops it.
		sn.stream.End(time.Now())
	}
	l.mu.Unlock()
	l.Changed(sn)
}

// Changed tells every watcher about sn.
func (l *Local) Changed(sn *Sentinel) {
	b, err := proto.Encode(&proto.SentinelEvent{Type: proto.TypeSentinel, SentinelInfo: sn.Snapshot()})
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for w := range l.watchers {
		w.Event(sn.id, b)
	}
}

// Broadcast sends a text message to every watcher.
func (l *Local) Broadcast(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for w := range l.watchers {
		w.Text(b)
	}
}

// MarkerAdded tells every watcher about a new marker (httpapi.Live).
func (l *Local) MarkerAdded(m proto.Marker) {
	if b, err := proto.Encode(&proto.MarkerEvent{Type: proto.TypeMarker, Marker: m}); err == nil {
		l.Broadcast(b)
	}
}

// AddWatcher registers w and queues the current list as its first message.
func (l *Local) AddWatcher(w Watcher) {
	list := &proto.Sentinels{Type: proto.TypeSentinels, Sentinels: l.Sentinels()}
	b, _ := proto.Encode(list)
	l.mu.Lock()
	defer l.mu.Unlock()
	w.Text(b)
	l.watchers[w] = struct{}{}
}

// RemoveWatcher unregisters w and withdraws its frame rate requests.
func (l *Local) RemoveWatcher(w Watcher) {
	l.mu.Lock()
	delete(l.watchers, w)
	l.mu.Unlock()
	for _, sn := range l.List() {
		sn.SetFPS(w, 0)
	}
}

// Stream returns the hub stream of id, creating it (nil once the hub is
// closed).
func (l *Local) Stream(id string) *hub.Stream { return l.hub.Stream(id) }

// Release drops the stream of id from the hub when nobody uses it.
func (l *Local) Release(id string) { l.hub.Remove(id) }
