package server

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/hub"
)

// seedPoll is how often a seed receiver checks whether its publisher is
// gone, besides being woken by new segments.
const seedPoll = 500 * time.Millisecond

// receive serves receive, receive-clear-cache and probe: raw fMP4 bytes of
// channel, keyframe-aligned. receive starts with the init segment and the
// fragments from the latest keyframe; receive-clear-cache with the init
// segment and the next keyframe; probe gets the init segment alone. All
// wait for a publisher, and end when it finishes.
func (sc *seedConn) receive(channel, kind string) {
	s := sc.s
	st := s.hub.Stream(channel)
	if st == nil {
		sc.refuse("Server is shutting down")
		return
	}
	wake := make(chan struct{}, 1)
	var from *uint64
	publishing := sc.publishing(channel)
	if stats := st.Stats(); (kind == seedReceiveNew || !publishing) && stats.Segments > 0 {
		// Not the cache: what the current or next publisher sends next.
		next := stats.LastSeq + 1
		from = &next
	}
	cur := st.Subscribe(from, wake)
	defer cur.Close()
	s.m.watchers.Add(1)
	defer s.m.watchers.Add(-1)

	// The reader answers nothing but renews the inactivity deadline on
	// every message (the peer's "h") and notices the peer leaving.
	gone := make(chan struct{})
	done := make(chan struct{})
	var idle atomic.Bool
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(gone)
		for {
			sc.c.SetReadDeadline(time.Now().Add(sc.s.cfg.SeedIdle))
			if _, _, err := sc.c.NextReader(); err != nil {
				idle.Store(isTimeout(err))
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		sc.heartbeat(done)
	}()
	reason := sc.relay(channel, kind, cur, wake, gone, publishing)
	close(done)
	switch reason {
	case "":
		sc.close(websocket.CloseNormalClosure, "")
	case "gone":
		if idle.Load() {
			sc.refuse("Inactivity timeout")
			break
		}
		sc.c.NetConn().Close()
	default:
		sc.refuse(reason)
	}
	wg.Wait()
}

// publishing reports whether channel has a publisher now.
func (sc *seedConn) publishing(channel string) bool {
	sn := sc.s.live.lookup(channel)
	return sn != nil && sn.currentPub() != nil
}

// relay writes the cursor's items until the publisher finishes (""), the
// peer goes ("gone"), or an error ends it (the reason to send).
func (sc *seedConn) relay(channel, kind string, cur *hub.Cursor, wake <-chan struct{}, gone <-chan struct{}, seen bool) string {
	poll := time.NewTicker(seedPoll)
	defer poll.Stop()
	needKey := true // media starts at a keyframe
	for {
		it, ok, err := cur.Next()
		if err != nil {
			return "Server is shutting down"
		}
		if !ok {
			select {
			case <-wake:
			case <-gone:
				return "gone"
			case <-poll.C:
				now := sc.publishing(channel)
				if seen && !now {
					return "" // the publisher finished and everything was sent
				}
				seen = seen || now
			}
			continue
		}
		seen = true
		var payload []byte
		switch it.Kind {
		case hub.ItemInit:
			_, payload, _ = proto.Decode(it.Msg)
		case hub.ItemMedia:
			h, p, _ := proto.Decode(it.Msg)
			if needKey && !h.Keyframe() {
				continue
			}
			needKey, payload = false, p
		case hub.ItemSkipped:
			needKey = true // the cursor moved to a keyframe; be sure
			continue
		}
		if err := sc.write(websocket.BinaryMessage, payload); err != nil {
			return "gone"
		}
		sc.s.m.bytesOut.Add(int64(len(payload)))
		if kind == seedProbe {
			return ""
		}
	}
}
