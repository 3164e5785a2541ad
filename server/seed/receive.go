package seed

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/hub"
	"proctor/server/wsconn"
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
	st := s.live.Stream(channel)
	if st == nil {
		sc.refuse("Server is shutting down")
		return
	}
	wake := make(chan struct{}, 1)
	var from *uint64
	publishing := sc.published(channel)
	if stats := st.Stats(); (kind == ReceiveNew || !publishing) && stats.Segments > 0 {
		// Not the cache: what the current or next publisher sends next.
		next := stats.LastSeq + 1
		from = &next
	}
	cur := st.Subscribe(from, wake)
	defer cur.Close()
	s.m.Receivers.Add(1)
	defer s.m.Receivers.Add(-1)

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
				idle.Store(wsconn.IsTimeout(err))
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

// published reports whether channel has a publisher now.
func (sc *seedConn) published(channel string) bool {
	sn := sc.s.live.Lookup(channel)
	return sn != nil && sn.Publisher() != nil
}

// seedBatch bounds one binary message of a receiver that is behind: the
// fragments already in the ring are sent together, so catching up (the
// cache on connect, a fast publisher, a slow link) costs one write per
// batch rather than one per fragment. A receiver that keeps up gets each
// fragment on its own, as soon as it arrives.
const seedBatch = 64 << 10

// batchPool holds the buffers of receivers that are sending a batch.
var batchPool = sync.Pool{New: func() any { b := make([]byte, 0, seedBatch); return &b }}

// relay writes the cursor's items until the publisher finishes (""), the
// peer goes ("gone"), or an error ends it (the reason to send).
func (sc *seedConn) relay(channel, kind string, cur *hub.Cursor, wake <-chan struct{}, gone <-chan struct{}, seen bool) string {
	poll := time.NewTicker(seedPoll)
	defer poll.Stop()
	var batch *[]byte // payloads not yet written, or nil
	defer func() {
		if batch != nil {
			batchPool.Put(batch)
		}
	}()
	flush := func() bool {
		if batch == nil || len(*batch) == 0 {
			return true
		}
		err := sc.write(websocket.BinaryMessage, *batch)
		sc.s.m.BytesOut.Add(int64(len(*batch)))
		*batch = (*batch)[:0]
		return err == nil
	}
	needKey := true // media starts at a keyframe
	for {
		select { // a receiver that never catches up still notices Stop
		case <-sc.quit:
			return sc.stopReason()
		default:
		}
		it, ok, err := cur.Next()
		if err != nil {
			return "Server is shutting down"
		}
		if !ok {
			if !flush() {
				return "gone"
			}
			if batch != nil { // caught up: hold no buffer while waiting
				batchPool.Put(batch)
				batch = nil
			}
			select {
			case <-wake:
			case <-gone:
				return "gone"
			case <-sc.quit:
				return sc.stopReason()
			case <-poll.C:
				now := sc.published(channel)
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
		if kind == Probe { // one chunk: the init segment
			if err := sc.write(websocket.BinaryMessage, payload); err != nil {
				return "gone"
			}
			sc.s.m.BytesOut.Add(int64(len(payload)))
			return ""
		}
		if batch == nil {
			batch = batchPool.Get().(*[]byte)
		}
		if len(*batch)+len(payload) > seedBatch && !flush() {
			return "gone"
		}
		if len(payload) >= seedBatch { // a large fragment goes as it is
			if err := sc.write(websocket.BinaryMessage, payload); err != nil {
				return "gone"
			}
			sc.s.m.BytesOut.Add(int64(len(payload)))
			continue
		}
		*batch = append(*batch, payload...)
	}
}
