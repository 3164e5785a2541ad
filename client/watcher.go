package client

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"proctor/proto"
)

// ConnState is a Watcher event: the connection came up, or went down with Err.
type ConnState struct {
	Connected bool
	Err       error
}

// eventBuffer is the capacity of the Events channel.
const eventBuffer = 256

// Watcher is one live connection to /v1/watch shared by many
// subscriptions. Run connects and reconnects with backoff; after a
// reconnect every subscription resumes after the last segment it got, and
// non-zero frame rate requests are sent again. With several servers in the
// Config a failed connection moves on to the next one, where the
// subscriptions resume the same way.
type Watcher struct {
	cfg    Config
	log    *slog.Logger
	srv    *rotation // the server in use; Run only
	events chan any
	wake   chan struct{}
	done   chan struct{} // closed when Run returns

	mu          sync.Mutex
	subs        map[string]*Subscription
	fps         map[string]float64
	queue       []any // control messages for the current connection
	connected   bool
	running     bool
	stopped     bool
	cancel      context.CancelFunc
	order       uint64 // counts Subscribe calls, so resubscribes keep their order
	lostEvents  int64
	lastLostLog time.Time
}

// NewWatcher returns a Watcher; call Run to connect.
func NewWatcher(cfg Config) *Watcher {
	cfg = cfg.withDefaults()
	return &Watcher{
		cfg:    cfg,
		log:    cfg.Log.With("component", "watcher"),
		srv:    cfg.rotation(),
		events: make(chan any, eventBuffer),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		subs:   make(map[string]*Subscription),
		fps:    make(map[string]float64),
	}
}

// Events delivers *proto.Sentinels (on every connect), *proto.SentinelEvent,
// *proto.MarkerEvent, *proto.Error (a refused request, e.g. a subscription
// over the limit) and ConnState. It is closed when Run returns. Events are
// dropped, and counted, when the channel is full.
func (w *Watcher) Events() <-chan any { return w.events }

// Subscribe starts the live stream of Sentinel id. With from nil the server
// starts at the latest keyframe; otherwise at that sequence if it is still
// in its memory window. A second Subscribe for the same id ends the first
// subscription. An invalid id, or a stopped Watcher, gives a subscription
// whose C is closed.
func (w *Watcher) Subscribe(id string, from *uint64) *Subscription {
	c := make(chan Media, w.cfg.Buffer)
	s := &Subscription{C: c, c: c, id: id, w: w}
	if from != nil {
		f := *from
		s.from = &f
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || !proto.ValidID(id) {
		if !w.stopped {
			w.log.Warn("subscribe: invalid sentinel id", "sentinel", id)
		}
		s.close()
		return s
	}
	if old := w.subs[id]; old != nil {
		old.close()
	}
	w.order++
	s.order = w.order
	w.subs[id] = s
	w.send(&proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: []string{id}, From: s.resumeFrom()})
	return s
}

func (w *Watcher) unsubscribe(s *Subscription) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.subs[s.id] != s {
		s.close()
		return
	}
	delete(w.subs, s.id)
	s.close()
	w.send(&proto.Unsubscribe{Type: proto.TypeUnsubscribe, Sentinels: []string{s.id}})
	if w.fps[s.id] != 0 {
		delete(w.fps, s.id)
		w.send(&proto.FPS{Type: proto.TypeFPS, Sentinel: s.id})
	}
}

// Keyframe asks Sentinel id for a keyframe now. It is not remembered over a
// reconnect (a resubscribe starts at a keyframe anyway).
func (w *Watcher) Keyframe(id string) {
	if !proto.ValidID(id) {
		return // the server would close the connection over it
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.send(&proto.Keyframe{Type: proto.TypeKeyframe, Sentinel: id})
}

// FPS asks Sentinel id for a frame rate; 0 withdraws the request. A
// non-zero request is sent again after every reconnect.
func (w *Watcher) FPS(id string, fps float64) {
	if !proto.ValidID(id) || math.IsNaN(fps) {
		return // the server would close the connection over it
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if fps <= 0 {
		fps = 0
		delete(w.fps, id)
	} else {
		w.fps[id] = min(fps, proto.MaxFPS)
	}
	w.send(&proto.FPS{Type: proto.TypeFPS, Sentinel: id, FPS: fps})
}

// send queues m for the current connection; while disconnected it is
// dropped (the reconnect sends what is still wanted). Caller holds w.mu.
func (w *Watcher) send(m any) {
	if !w.connected {
		return
	}
	w.queue = append(w.queue, m)
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// event publishes an event without blocking.
func (w *Watcher) event(e any) {
	select {
	case w.events <- e:
		return
	default:
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lostEvents++
	if now := time.Now(); now.Sub(w.lastLostLog) >= time.Second {
		w.lastLostLog = now
		w.log.Warn("events channel full: events dropped", "dropped_total", w.lostEvents)
	}
}

// Close stops Run, closes every subscription and waits for the Watcher's
// goroutines to end.
func (w *Watcher) Close() error {
	w.mu.Lock()
	cancel, running := w.cancel, w.running
	if !running {
		w.stopLocked()
	}
	w.mu.Unlock()
	if running {
		cancel()
		<-w.done
	}
	return nil
}

// stopLocked closes all subscriptions. Caller holds w.mu.
func (w *Watcher) stopLocked() {
	w.stopped = true
	for id, s := range w.subs {
		s.close()
		delete(w.subs, id)
	}
}

// sorted returns the subscriptions in the order they were made.
// Caller holds w.mu.
func (w *Watcher) sorted() []*Subscription {
	subs := make([]*Subscription, 0, len(w.subs))
	for _, s := range w.subs {
		subs = append(subs, s)
	}
	slices.SortFunc(subs, func(a, b *Subscription) int { return cmp.Compare(a.order, b.order) })
	return subs
}

// overLimit ends the newest subscription after the server refused the
// connection for having too many: resubscribing them all would be refused
// again. The subscriber sees C closed; Events gets the *proto.Error.
func (w *Watcher) overLimit(e *ServerError) {
	w.mu.Lock()
	subs := w.sorted()
	if len(subs) == 0 {
		w.mu.Unlock()
		return
	}
	s := subs[len(subs)-1]
	delete(w.subs, s.id)
	delete(w.fps, s.id)
	s.close()
	w.mu.Unlock()
	w.log.Warn("subscription over the server's limit ended", "sentinel", s.id, "message", e.Message)
	w.event(&proto.Error{Type: proto.TypeError, Code: e.Code, Message: e.Message, Sentinel: s.id})
}
