package bus

import (
	"context"

	"proctor/proto"
	"proctor/server/hub"
	"proctor/server/live"
)

// remoteFeed is a Sentinel held by another node and watched here: the
// Reader feeds its Redis stream into the local hub stream under a shadow
// publisher, registered in a live.Local of its own (c.shadows) so that
// local watchers are never told the shadow's comings and goings.
type remoteFeed struct {
	sn   *live.Sentinel
	st   *hub.Stream
	pub  *remotePub
	refs int // watchers' Stream calls not yet Released; guarded by Cluster.mu
}

// remotePub is the shadow publisher: control for the Sentinel goes to
// the node holding it.
type remotePub struct {
	c  *Cluster
	id string
}

type ctlMsg struct {
	id string
	m  any
}

// Control queues the request for the sender goroutine; it never blocks.
func (p *remotePub) Control(m any) {
	select {
	case p.c.outq <- ctlMsg{p.id, m}:
	default:
		p.c.log.Warn("control request dropped: queue full", "sentinel", p.id)
	}
}

// Stream returns the hub stream a watcher subscribes to: the local one of
// a Sentinel held here, else one fed from Redis (joined at its latest
// keyframe before Stream returns, so the watcher's cursor starts there).
func (c *Cluster) Stream(id string) *hub.Stream {
	c.mu.Lock()
	if _, held := c.taps[id]; held {
		c.mu.Unlock()
		return c.Local.Stream(id)
	}
	if f := c.remote[id]; f != nil {
		f.refs++
		c.mu.Unlock()
		return f.st
	}
	pub := &remotePub{c: c, id: id}
	sn, st, ok := c.shadows.Attach(id, pub)
	if !ok {
		c.mu.Unlock()
		return c.Local.Stream(id)
	}
	f := &remoteFeed{sn: sn, st: st, pub: pub, refs: 1}
	c.remote[id] = f
	c.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	fd := &feeder{st: st, id: id}
	err := c.r.WatchWindow(ctx, id, fd.feed)
	if err != nil {
		// Redis is unreachable or the id is not one: the watcher waits on
		// an empty stream; the next subscribe tries again.
		c.log.Warn("follow remote sentinel", "sentinel", id, "err", err)
	}
	c.mu.Lock()
	gone := c.remote[id] != f
	c.mu.Unlock()
	if gone && err == nil {
		c.r.Unwatch(id) // released while joining
	}
	return st
}

// feeder puts a remote stream's entries into the hub stream as the
// ingest node's own messages: the same header, so a watcher cannot tell
// the difference. Its calls come from one goroutine at a time (the join,
// then the reader).
type feeder struct {
	st *hub.Stream
	id string
	// next is the media sequence expected after the last one fed (valid
	// when seen); a later one means the writer dropped or Redis lost the
	// ones between.
	next uint64
	seen bool
	// lost: entries were lost and media is held back until a keyframe,
	// which is published as Lost so watchers get a skipped report.
	lost bool
}

func (f *feeder) feed(e Entry) {
	if e.Kind == proto.KindInit {
		f.st.SetInit(e.Generation, proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: f.id, Seq: e.Generation}, e.Data))
		f.seen, f.lost = false, false // a new session may number afresh
		return
	}
	if f.seen && e.Seq > f.next {
		f.lost = true
	}
	f.next, f.seen = e.Seq+1, true
	h := proto.Header{Kind: proto.KindMedia, Flags: e.Flags, Sentinel: f.id, Seq: e.Seq, Time: e.Time, Duration: e.Duration}
	if f.lost && !h.Keyframe() {
		return // undecodable without the lost ones: wait for a keyframe
	}
	f.st.Publish(hub.Segment{Msg: proto.Marshal(h, e.Data), Seq: e.Seq, Time: e.Time, Duration: e.Duration,
		Keyframe: h.Keyframe(), Lost: f.lost})
	f.lost = false
}

// Release undoes one Stream; the last one of a remote Sentinel stops
// following it.
func (c *Cluster) Release(id string) {
	c.mu.Lock()
	f := c.remote[id]
	if f != nil {
		if f.refs--; f.refs > 0 {
			c.mu.Unlock()
			return
		}
		delete(c.remote, id)
	}
	c.mu.Unlock()
	if f != nil {
		c.r.Unwatch(id)
		c.shadows.Detach(f.sn, f.pub)
	}
	c.Local.Release(id)
}

// stopRemote ends the remote feed of id (this node now holds it); its
// watchers keep the same hub stream, which the local publisher continues.
func (c *Cluster) stopRemote(id string) {
	c.mu.Lock()
	f := c.remote[id]
	delete(c.remote, id)
	c.mu.Unlock()
	if f != nil {
		c.r.Unwatch(id)
		c.shadows.Detach(f.sn, f.pub)
	}
}

// Lookup returns the Sentinel that takes control requests: the local one
// while it publishes here, else the shadow of a remote one, else the
// local listing.
func (c *Cluster) Lookup(id string) *live.Sentinel {
	sn := c.Local.Lookup(id)
	if sn != nil && sn.Publisher() != nil {
		return sn
	}
	if sh := c.shadows.Lookup(id); sh != nil && sh.Publisher() != nil {
		return sh
	}
	return sn
}

// RemoveWatcher also withdraws w's fps requests of remote Sentinels.
func (c *Cluster) RemoveWatcher(w live.Watcher) {
	c.Local.RemoveWatcher(w)
	for _, sn := range c.shadows.List() {
		sn.SetFPS(w, 0)
	}
}
