package watch

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"proctor/proto"
	"proctor/server/meta"
)

// Sessions looks a session up as GET /v1/sessions/{sid} returns it
// (*meta.DB); an unknown one is meta.ErrNotFound.
type Sessions interface {
	Session(ctx context.Context, id string) (proto.Session, error)
}

// sessionPoll is how often a session stream rereads its session: the
// session's state lives in the metadata database, which every node of a
// cluster shares, so polling it works on any node without a new bus event.
const sessionPoll = 500 * time.Millisecond

// SessionStream returns the handler of GET /v1/sessions/{sid}/stream: a
// watcher restricted to one session's Sentinels that subscribes to each
// of them by itself, and to those that join later.
func (s *Server) SessionStream(db Sessions) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		sid := r.PathValue("sid")
		s.serve(rw, r, func(w *watcher) (func(), *proto.Error) {
			return startSession(w, db, sid)
		})
	})
}

// sessionWatcher is what the live registry sees of a session stream: it
// passes on the events of the session's Sentinels only and notes which
// of them to subscribe to.
type sessionWatcher struct {
	w   *watcher
	sid string

	mu      sync.Mutex
	pending map[string]bool // Sentinels to subscribe to
	wake    chan struct{}
}

func (sw *sessionWatcher) note(id string) {
	sw.mu.Lock()
	sw.pending[id] = true
	sw.mu.Unlock()
	select {
	case sw.wake <- struct{}{}:
	default:
	}
}

// Event passes on the event of a Sentinel of the session.
func (sw *sessionWatcher) Event(id string, b []byte) {
	var ev proto.SentinelEvent
	if json.Unmarshal(b, &ev) != nil || ev.Session != sw.sid {
		return
	}
	sw.w.Event(id, b)
	sw.note(id)
}

// Text turns the live list into events of the session's Sentinels and
// passes on markers of the session and the rest as they are.
func (sw *sessionWatcher) Text(b []byte) {
	var head struct {
		Type    string `json:"type"`
		Session string `json:"session"`
	}
	if json.Unmarshal(b, &head) != nil {
		return
	}
	switch head.Type {
	case proto.TypeSentinels:
		var list proto.Sentinels
		if json.Unmarshal(b, &list) != nil {
			return
		}
		for _, in := range list.Sentinels {
			if in.Session != sw.sid {
				continue
			}
			if eb, err := proto.Encode(&proto.SentinelEvent{Type: proto.TypeSentinel, SentinelInfo: in}); err == nil {
				sw.w.Event(in.ID, eb)
			}
			sw.note(in.ID)
		}
	case proto.TypeMarker:
		if head.Session == sw.sid {
			sw.w.Text(b)
		}
	default:
		sw.w.Text(b)
	}
}

// startSession refuses an unknown or ended session, queues the session
// object as the watcher's first message and starts the follower, which
// subscribes to the session's Sentinels and tells state changes; the
// returned func stops it and waits.
func startSession(w *watcher, db Sessions, sid string) (func(), *proto.Error) {
	if err := proto.CheckID("session", sid); err != nil {
		return nil, proto.NewError(proto.CodeBadID, "%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sess, perr := lookupSession(ctx, db, sid)
	if perr != nil {
		cancel()
		return nil, perr
	}
	sw := &sessionWatcher{w: w, sid: sid, pending: make(map[string]bool), wake: make(chan struct{}, 1)}
	w.as = sw
	w.allow = func(id string) bool {
		sn := w.s.live.Lookup(id)
		return sn != nil && sn.Snapshot().Session == sid
	}
	sendSession(w, sess)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sw.follow(ctx, db, sess.State)
	}()
	return func() { cancel(); wg.Wait() }, nil
}

func lookupSession(ctx context.Context, db Sessions, sid string) (proto.Session, *proto.Error) {
	sess, err := db.Session(ctx, sid)
	if errors.Is(err, meta.ErrNotFound) {
		return sess, proto.NewError(proto.CodeNotFound, "no session %s", sid)
	}
	if err != nil {
		return sess, proto.NewError(proto.CodeInternal, "look up session %s: %v", sid, err)
	}
	if proto.SessionFinal(sess.State) {
		return sess, proto.NewError(proto.CodeSessionClosed, "session %s is %s", sid, sess.State)
	}
	return sess, nil
}

func sendSession(w *watcher, sess proto.Session) {
	if b, err := proto.Encode(&proto.SessionEvent{Type: proto.TypeSession, Session: sess}); err == nil {
		w.Text(b)
	}
}

// follow subscribes to noted Sentinels and rereads the session until ctx
// ends; when the session ends it ends the stream with session_closed.
func (sw *sessionWatcher) follow(ctx context.Context, db Sessions, state string) {
	t := time.NewTicker(sessionPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sw.wake:
			sw.subscribePending()
		case <-t.C:
			sess, err := db.Session(ctx, sw.sid)
			if err != nil {
				if ctx.Err() == nil {
					sw.w.log.Info("session stream: reread session", "session", sw.sid, "err", err)
				}
				continue
			}
			if sess.State == state {
				continue
			}
			state = sess.State
			sendSession(sw.w, sess)
			if proto.SessionFinal(state) {
				sw.w.Stop(proto.NewError(proto.CodeSessionClosed, "session %s is %s", sw.sid, state))
				return
			}
		}
	}
}

func (sw *sessionWatcher) subscribePending() {
	sw.mu.Lock()
	ids := make([]string, 0, len(sw.pending))
	for id := range sw.pending {
		ids = append(ids, id)
	}
	clear(sw.pending)
	sw.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	if err := sw.w.subscribe(&proto.Subscribe{Type: proto.TypeSubscribe, Sentinels: ids}); err != nil {
		var pe *proto.Error
		if errors.As(err, &pe) {
			sw.w.Stop(pe)
		}
	}
}
