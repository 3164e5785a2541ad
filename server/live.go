package server

import (
	"sort"
	"sync"
	"time"

	"proctor/proto"
	"proctor/server/hub"
)

// sentinel is the live state of one Sentinel id: what watchers see of it,
// its current publisher, and the frame rate watchers ask of it.
type sentinel struct {
	id string

	mu         sync.Mutex
	stream     *hub.Stream        // refreshed from the hub by every attach
	info       proto.SentinelInfo // Watchers, Bitrate and sequence fields are filled at snapshot
	pub        publisher          // nil while offline
	lastSeg    time.Time          // wall clock of the last received segment
	fpsReq     map[*watcher]float64
	sentFPS    float64
	received   int64 // segments received since the last heartbeat
	expected   int64 // segments expected since the last heartbeat
	mediaEnd   time.Time
	hasSegment bool
}

// snapshot returns the info watchers get. s.mu must not be held.
func (sn *sentinel) snapshot() proto.SentinelInfo {
	sn.mu.Lock()
	info, stream := sn.info, sn.stream
	sn.mu.Unlock()
	st := stream.Stats()
	info.Watchers = st.Watchers
	if st.Span > 0 {
		info.Bitrate = int64(float64(st.Bytes*8) / st.Span.Seconds())
	}
	return info
}

// setFPS records watcher w's frame rate request (0 withdraws it) and
// forwards the highest current request to the publisher when it changes.
func (sn *sentinel) setFPS(w *watcher, fps float64) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if fps == 0 {
		delete(sn.fpsReq, w)
	} else {
		sn.fpsReq[w] = fps
	}
	sn.forwardFPSLocked()
}

func (sn *sentinel) forwardFPSLocked() {
	var top float64
	for _, f := range sn.fpsReq {
		top = max(top, f)
	}
	if top == sn.sentFPS || sn.pub == nil {
		return
	}
	sn.sentFPS = top
	sn.pub.control(&proto.FPS{Type: proto.TypeFPS, FPS: top})
}

// keyframe asks the publisher for an IDR frame.
func (sn *sentinel) keyframe() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.pub != nil {
		sn.pub.control(&proto.Keyframe{Type: proto.TypeKeyframe})
	}
}

// live is the registry of Sentinels and watchers.
type live struct {
	hub *hub.Hub

	mu        sync.Mutex
	sentinels map[string]*sentinel // listed Sentinels: connected, or offline with a non-final session
	watchers  map[*watcher]struct{}
}

func newLive(h *hub.Hub) *live {
	return &live{hub: h, sentinels: make(map[string]*sentinel), watchers: make(map[*watcher]struct{})}
}

// attach makes pub the publisher of id. It fails when another publisher
// is connected or the hub is closed.
func (l *live) attach(id string, pub publisher) (*sentinel, *hub.Stream, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.hub.Stream(id)
	if st == nil {
		return nil, nil, false
	}
	sn := l.sentinels[id]
	if sn == nil {
		sn = &sentinel{id: id, stream: st, fpsReq: make(map[*watcher]float64),
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

// detach ends pub's turn as publisher of sn.
func (l *live) detach(sn *sentinel, pub publisher) {
	sn.mu.Lock()
	if pub != nil && sn.pub == pub {
		sn.pub = nil
		sn.info.State = proto.SentinelOffline
		sn.stream.Release()
	}
	sn.mu.Unlock()
	l.changed(sn)
}

// lookup returns the listed Sentinel id.
func (l *live) lookup(id string) *sentinel {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sentinels[id]
}

// list returns the listed Sentinels sorted by id.
func (l *live) list() []*sentinel {
	l.mu.Lock()
	out := make([]*sentinel, 0, len(l.sentinels))
	for _, sn := range l.sentinels {
		out = append(out, sn)
	}
	l.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// Sentinels returns the live list (httpapi.Live).
func (l *live) Sentinels() []proto.SentinelInfo {
	sns := l.list()
	out := make([]proto.SentinelInfo, 0, len(sns))
	for _, sn := range sns {
		out = append(out, sn.snapshot())
	}
	return out
}

// unlist removes an offline Sentinel whose session ended, telling watchers.
func (l *live) unlist(sn *sentinel) {
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
	l.changed(sn)
}

// changed tells every watcher about sn.
func (l *live) changed(sn *sentinel) {
	b, err := proto.Encode(&proto.SentinelEvent{Type: proto.TypeSentinel, SentinelInfo: sn.snapshot()})
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for w := range l.watchers {
		w.event(sn.id, b)
	}
}

// broadcast sends a text message to every watcher.
func (l *live) broadcast(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for w := range l.watchers {
		w.text(b)
	}
}

// MarkerAdded tells every watcher about a new marker (httpapi.Live).
func (l *live) MarkerAdded(m proto.Marker) {
	if b, err := proto.Encode(&proto.MarkerEvent{Type: proto.TypeMarker, Marker: m}); err == nil {
		l.broadcast(b)
	}
}

// addWatcher registers w and queues the current list as its first message.
func (l *live) addWatcher(w *watcher) {
	list := &proto.Sentinels{Type: proto.TypeSentinels, Sentinels: l.Sentinels()}
	b, _ := proto.Encode(list)
	l.mu.Lock()
	defer l.mu.Unlock()
	w.text(b)
	l.watchers[w] = struct{}{}
}

// removeWatcher unregisters w and withdraws its frame rate requests.
func (l *live) removeWatcher(w *watcher) {
	l.mu.Lock()
	delete(l.watchers, w)
	l.mu.Unlock()
	for _, sn := range l.list() {
		sn.setFPS(w, 0)
	}
}

// watcherList returns the connected watchers.
func (l *live) watcherList() []*watcher {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*watcher, 0, len(l.watchers))
	for w := range l.watchers {
		out = append(out, w)
	}
	return out
}

// resendFPS forwards the current top request to a new publisher.
func (sn *sentinel) resendFPS() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.forwardFPSLocked()
}
