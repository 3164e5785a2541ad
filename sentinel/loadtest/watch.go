package loadtest

import (
	"sync"
	"time"

	"proctor/client"
	"proctor/proto"
)

// follower reads one subscription and accounts for every sequence number:
// delivered, skipped (the server said so), or lost (a silent gap).
type follower struct {
	id          string
	node        int // index of its watcher's node in Config.edges
	sub         *client.Subscription
	start       time.Time
	sentAtStart int64

	mu        sync.Mutex
	join      time.Duration // subscribe to first media segment; 0 before it
	first     uint64
	last      uint64
	have      bool
	delivered int64
	bytes     int64
	skipped   int64
	lost      int64
	dups      int64
	latency   []time.Duration // receive time minus send time
	skipTo    uint64          // a skipped notice covers sequences up to here
	skipping  bool
}

// read runs until the subscription's channel closes.
func (f *follower) read() {
	for m := range f.sub.C {
		now := time.Now()
		f.mu.Lock()
		switch {
		case m.Skipped != nil:
			f.skipped += int64(m.Skipped.To - m.Skipped.From + 1)
			f.skipTo, f.skipping = m.Skipped.To, true
		case m.Header.Kind == proto.KindMedia:
			f.media(m.Header, len(m.Payload), now)
		}
		f.mu.Unlock()
	}
}

// media accounts for one media segment. Caller holds f.mu.
func (f *follower) media(h proto.Header, size int, now time.Time) {
	seq := h.Seq
	switch {
	case !f.have:
		f.join = now.Sub(f.start)
		f.first, f.have = seq, true
	case seq <= f.last:
		f.dups++
		return
	case seq > f.last+1:
		gapFrom := f.last + 1
		if f.skipping && f.skipTo >= gapFrom {
			gapFrom = min(seq, f.skipTo+1)
		}
		f.lost += int64(seq - gapFrom)
	}
	f.skipping = false
	f.last = seq
	f.delivered++
	f.bytes += int64(size)
	// Relay latency of live segments only: the ones buffered before the
	// subscription measure the join, not the relay.
	if sent := time.UnixMicro(h.Time + int64(h.Duration)); sent.After(f.start) {
		f.latency = append(f.latency, now.Sub(sent))
	}
}

// tail counts the sequences up to lastSent that never came as lost.
func (f *follower) tail(lastSent uint64, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ok && f.have && lastSent > f.last {
		f.lost += int64(lastSent - f.last)
	}
}

// caughtUp reports whether the follower has lastSent.
func (f *follower) caughtUp(lastSent uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.have && f.last >= lastSent
}
