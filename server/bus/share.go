package bus

import (
	"context"
	"encoding/json"
	"sort"

	"proctor/proto"
	"proctor/server/live"
)

// Event types on px:events.
const (
	evSentinel = "sentinel"
	evMarker   = "marker"
)

// Changed tells this node's watchers about sn and shares it with the
// cluster.
func (c *Cluster) Changed(sn *live.Sentinel) {
	c.Local.Changed(sn)
	c.share(sn)
}

// Unlist removes sn here and tells the cluster.
func (c *Cluster) Unlist(sn *live.Sentinel) {
	c.Local.Unlist(sn)
	c.share(sn)
}

// MarkerAdded tells this node's watchers and the cluster's.
func (c *Cluster) MarkerAdded(m proto.Marker) {
	c.Local.MarkerAdded(m)
	b, err := json.Marshal(m)
	if err == nil {
		c.queue(Event{Type: evMarker, Sentinel: m.Sentinel, Node: c.cfg.Node, Data: b})
	}
}

// share queues sn's state for px:events. Only the connection packages
// call Changed, Detach and Unlist, with Sentinels held here; shadows go
// through c.shadows and are never shared.
func (c *Cluster) share(sn *live.Sentinel) {
	b, err := json.Marshal(sn.Snapshot())
	if err == nil {
		c.queue(Event{Type: evSentinel, Sentinel: sn.ID(), Node: c.cfg.Node, Data: b})
	}
}

func (c *Cluster) queue(ev Event) {
	select {
	case c.outq <- ev:
	default:
		c.log.Warn("cluster event dropped: queue full", "type", ev.Type, "sentinel", ev.Sentinel)
	}
}

// send publishes queued events and control requests, so that no caller
// (a Sentinel's connection, a watcher's) waits on Redis.
func (c *Cluster) send(ctx context.Context) {
	defer c.wg.Done()
	for {
		var item any
		select {
		case <-ctx.Done():
			return
		case item = <-c.outq:
		}
		var err error
		switch it := item.(type) {
		case Event:
			_, err = PublishEvent(ctx, c.rdb, it, 0)
		case ctlMsg:
			switch m := it.m.(type) {
			case *proto.Keyframe:
				err = c.ctl.RequestKeyframe(ctx, it.id)
			case *proto.FPS:
				err = c.ctl.RequestFPS(ctx, it.id, m.FPS)
			}
		}
		if err != nil && ctx.Err() == nil {
			c.log.Debug("cluster send", "err", err)
		}
	}
}

// onEvent applies another node's change: remote Sentinels' state for
// Sentinels() and this node's watchers, markers for the watchers.
func (c *Cluster) onEvent(ev Event) {
	if ev.Node == c.cfg.Node {
		return
	}
	switch ev.Type {
	case evSentinel:
		var info proto.SentinelInfo
		if json.Unmarshal(ev.Data, &info) != nil || info.ID != ev.Sentinel {
			return
		}
		c.mu.Lock()
		c.infos[info.ID] = info
		c.mu.Unlock()
		if sn := c.Local.Lookup(info.ID); sn != nil && sn.Publisher() != nil {
			return // held here now: the local state is the truth
		}
		if b, err := proto.Encode(&proto.SentinelEvent{Type: proto.TypeSentinel, SentinelInfo: info}); err == nil {
			c.Local.Broadcast(b)
		}
	case evMarker:
		var m proto.Marker
		if json.Unmarshal(ev.Data, &m) == nil {
			c.Local.MarkerAdded(m)
		}
	}
}

// Sentinels is the cluster's live list: the Sentinels this node holds or
// lists, and the last known state of every other node's.
func (c *Cluster) Sentinels() []proto.SentinelInfo {
	local := c.Local.Sentinels()
	byID := make(map[string]proto.SentinelInfo, len(local))
	c.mu.Lock()
	for id, info := range c.infos {
		byID[id] = info
	}
	c.mu.Unlock()
	for _, info := range local {
		if sn := c.Local.Lookup(info.ID); sn != nil && sn.Publisher() != nil {
			byID[info.ID] = info
		} else if _, ok := byID[info.ID]; !ok {
			byID[info.ID] = info
		}
	}
	out := make([]proto.SentinelInfo, 0, len(byID))
	for _, info := range byID {
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// AddWatcher registers w and queues the cluster's list as its first message.
func (c *Cluster) AddWatcher(w live.Watcher) {
	c.Local.AddWatcher(w) // this node's list; the other nodes' follow as events
	for _, info := range c.remoteInfos() {
		if b, err := proto.Encode(&proto.SentinelEvent{Type: proto.TypeSentinel, SentinelInfo: info}); err == nil {
			w.Text(b)
		}
	}
}

// remoteInfos are the other nodes' Sentinels not held here.
func (c *Cluster) remoteInfos() []proto.SentinelInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []proto.SentinelInfo
	for id, info := range c.infos {
		if sn := c.Local.Lookup(id); sn != nil && sn.Publisher() != nil {
			continue
		}
		out = append(out, info)
	}
	return out
}
