package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"proctor/proto"
)

// Control request types on px:ctl:{node}.
const (
	ctlKeyframe = "keyframe"
	ctlFPS      = "fps"
)

// request is one control message: small JSON on the owning node's
// Pub/Sub channel (never media).
type request struct {
	Type     string  `json:"type"`
	Sentinel string  `json:"sentinel"`
	From     string  `json:"from"`
	FPS      float64 `json:"fps,omitempty"`
}

// ControlConfig configures Control. Zero values take the defaults.
type ControlConfig struct {
	// Refresh is how often a node re-sends its standing fps requests;
	// default 2 s. An owner forgets a request not refreshed within
	// Expire (default 3 x Refresh): the requester's node died.
	Refresh, Expire time.Duration
	// OnKeyframe is called on the owning node when any node asks for a
	// keyframe of a Sentinel it holds.
	OnKeyframe func(sentinel string)
	// OnFPS is called on the owning node when a held Sentinel's highest
	// requested rate changes; 0: nobody asks, back to its own rate. Calls
	// are serialized; OnFPS must not block for long.
	OnFPS func(sentinel string, fps float64)
}

// Control carries keyframe and fps requests from watchers on any node to
// the node holding the Sentinel (found through its lease), one Pub/Sub
// connection per node. Each node sends its own highest request per
// Sentinel (its local watchers aggregated by the caller) and refreshes it;
// the owner keeps the highest of all current ones.
type Control struct {
	rdb  redis.UniversalClient
	node string
	cfg  ControlConfig
	log  *slog.Logger
	sub  *redis.PubSub

	mu     sync.Mutex
	asking map[string]float64 // this node's standing requests, by sentinel

	// tableMu guards table and serializes OnFPS calls, so the owner sees
	// the rate changes in the order they were computed.
	tableMu sync.Mutex
	table   *fpsTable // requests to this node's Sentinels

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewControl subscribes to node's control channel. go-redis re-subscribes
// by itself after a Redis outage.
func NewControl(ctx context.Context, rdb redis.UniversalClient, node string, cfg ControlConfig, log *slog.Logger) (*Control, error) {
	if cfg.Refresh <= 0 {
		cfg.Refresh = 2 * time.Second
	}
	if cfg.Expire <= 0 {
		cfg.Expire = 3 * cfg.Refresh
	}
	sub := rdb.Subscribe(ctx, ctlChannel(node))
	if _, err := sub.Receive(ctx); err != nil { // the subscription confirmation
		sub.Close()
		return nil, fmt.Errorf("subscribe %s: %w", ctlChannel(node), err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	c := &Control{rdb: rdb, node: node, cfg: cfg, log: log.With("component", "bus.control", "node", node),
		sub: sub, table: newFPSTable(cfg.Expire), asking: map[string]float64{}, cancel: cancel}
	c.wg.Add(2)
	go c.receive()
	go c.tick(rctx)
	return c, nil
}

// Close unsubscribes and waits for the goroutines.
func (c *Control) Close() error {
	c.cancel()
	err := c.sub.Close()
	c.wg.Wait()
	return err
}

// RequestKeyframe asks the node holding sentinel for a keyframe.
func (c *Control) RequestKeyframe(ctx context.Context, sentinel string) error {
	return c.send(ctx, request{Type: ctlKeyframe, Sentinel: sentinel, From: c.node})
}

// RequestFPS sets this node's request for sentinel's rate (the highest of
// its local watchers; 0 withdraws it) and keeps it refreshed.
func (c *Control) RequestFPS(ctx context.Context, sentinel string, fps float64) error {
	c.mu.Lock()
	if fps > 0 {
		c.asking[sentinel] = fps
	} else {
		delete(c.asking, sentinel)
	}
	c.mu.Unlock()
	return c.send(ctx, request{Type: ctlFPS, Sentinel: sentinel, From: c.node, FPS: fps})
}

// send publishes r to the current holder of r.Sentinel.
func (c *Control) send(ctx context.Context, r request) error {
	if !proto.ValidID(r.Sentinel) {
		return fmt.Errorf("control %s: %w", r.Type, proto.ErrID)
	}
	owner, err := Holder(ctx, c.rdb, r.Sentinel)
	if err != nil {
		return fmt.Errorf("control %s %s: %w", r.Type, r.Sentinel, err)
	}
	if owner == "" {
		return nil // not live anywhere; a standing fps request is re-sent later
	}
	b, _ := json.Marshal(r)
	if err := c.rdb.Publish(ctx, ctlChannel(owner), b).Err(); err != nil {
		return fmt.Errorf("control %s %s to %s: %w", r.Type, r.Sentinel, owner, err)
	}
	return nil
}

func (c *Control) receive() {
	defer c.wg.Done()
	for m := range c.sub.Channel() {
		var r request
		if err := json.Unmarshal([]byte(m.Payload), &r); err != nil || !proto.ValidID(r.Sentinel) {
			c.log.Warn("ignore control message", "payload_len", len(m.Payload), "err", err)
			continue
		}
		switch r.Type {
		case ctlKeyframe:
			if c.cfg.OnKeyframe != nil {
				c.cfg.OnKeyframe(r.Sentinel)
			}
		case ctlFPS:
			c.tableMu.Lock()
			before := c.table.max(r.Sentinel)
			after := c.table.set(r.Sentinel, r.From, r.FPS, time.Now())
			if after != before && c.cfg.OnFPS != nil {
				c.cfg.OnFPS(r.Sentinel, after)
			}
			c.tableMu.Unlock()
		}
	}
}

// tick re-sends this node's standing fps requests and expires the requests
// of nodes that stopped refreshing theirs.
func (c *Control) tick(ctx context.Context) {
	defer c.wg.Done()
	t := time.NewTicker(c.cfg.Refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		asking := make(map[string]float64, len(c.asking))
		for s, f := range c.asking {
			asking[s] = f
		}
		c.mu.Unlock()
		c.tableMu.Lock()
		for s, f := range c.table.expireOld(time.Now()) {
			if c.cfg.OnFPS != nil {
				c.cfg.OnFPS(s, f)
			}
		}
		c.tableMu.Unlock()
		for s, f := range asking {
			if err := c.send(ctx, request{Type: ctlFPS, Sentinel: s, From: c.node, FPS: f}); err != nil {
				c.log.Debug("refresh fps request", "sentinel", s, "err", err)
			}
		}
	}
}
