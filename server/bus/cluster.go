package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"proctor/proto"
	"proctor/server/hub"
	"proctor/server/live"
)

// ClusterConfig configures a Cluster node.
type ClusterConfig struct {
	// Node is this node's id, unique in the cluster (px:node:{node}).
	Node string
	// Window is the live window kept in Redis per stream (the hub's).
	Window time.Duration
	// LeaseTTL is how long a dead node keeps its Sentinels; default 5 s.
	LeaseTTL time.Duration
	// Timeout bounds the Redis calls made on a connection's behalf (the
	// lease at attach, the join at subscribe); default 2 s.
	Timeout time.Duration
	Writer  WriterConfig
	Reader  ReaderConfig
	Control ControlConfig // OnKeyframe and OnFPS are set by the Cluster
}

// Cluster is the live.Registry of a node in a cluster: the node's own
// Sentinels and watchers are kept by a live.Local over the node's hub, as
// on a single node, and the bus makes the rest of the cluster visible:
//
//   - Attach takes the Sentinel's lease (one publisher cluster-wide) and
//     taps its hub stream into the Writer;
//   - Stream of a Sentinel not held here follows its Redis stream with the
//     Reader into a local hub stream, under a shadow publisher that sends
//     keyframe and fps requests to the holder through Control;
//   - Changed and MarkerAdded are shared through px:events, and the events
//     of other nodes reach this node's watchers and Sentinels().
//
// When Redis is down, local publishing and watching go on; remote streams
// pause and resume (see Reader, Writer).
type Cluster struct {
	*live.Local
	shadows *live.Local // remote Sentinels watched here (see remoteFeed)
	hub     *hub.Hub
	rdb     redis.UniversalClient
	cfg     ClusterConfig
	log     *slog.Logger
	w       *Writer
	r       *Reader
	ls      *Leases
	ctl     *Control
	fps     *fpsKey  // the remote nodes' aggregate in a held Sentinel's requests
	outq    chan any // control requests and events to send, never blocking a caller

	attachMu sync.Mutex // serializes Attach

	mu     sync.Mutex
	taps   map[string]*tap        // Sentinels held here
	remote map[string]*remoteFeed // Sentinels followed from Redis
	infos  map[string]proto.SentinelInfo

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewCluster starts the bus for node cfg.Node over h. rdb serves the
// writer, leases and events; rrdb must be the reader's own client; csub
// the control's (it holds one Pub/Sub connection). None is closed by the
// Cluster.
func NewCluster(h *hub.Hub, rdb, rrdb, crdb redis.UniversalClient, cfg ClusterConfig, log *slog.Logger) (*Cluster, error) {
	if !proto.ValidID(cfg.Node) {
		return nil, fmt.Errorf("%w: node id %q", ErrConfig, cfg.Node)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Second
	}
	cfg.Writer.Window = cfg.Window
	log = log.With("component", "bus.cluster", "node", cfg.Node)
	w, err := NewWriter(rdb, cfg.Writer, log)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Local: live.NewLocal(h), shadows: live.NewLocal(h), hub: h, rdb: rdb, cfg: cfg, log: log, w: w, fps: &fpsKey{},
		outq: make(chan any, 1024), taps: map[string]*tap{}, remote: map[string]*remoteFeed{},
		infos: map[string]proto.SentinelInfo{}}
	c.r = NewReader(rrdb, cfg.Node, cfg.Reader, log)
	c.ls = NewLeases(rdb, cfg.Node, cfg.LeaseTTL, func(id string) {
		c.log.Warn("sentinel taken over by another node", "sentinel", id)
	}, log)
	cc := cfg.Control
	cc.OnKeyframe, cc.OnFPS = c.onKeyframe, c.onFPS
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
	defer cancel()
	if c.ctl, err = NewControl(ctx, crdb, cfg.Node, cc, log); err == nil {
		err = c.r.TailEvents(ctx, "", c.onEvent)
	}
	if err != nil {
		c.closeParts()
		return nil, err
	}
	rctx, rcancel := context.WithCancel(context.Background())
	c.cancel = rcancel
	c.wg.Add(1)
	go c.send(rctx)
	return c, nil
}

// Close stops the taps, the remote feeds and the bus, and waits.
func (c *Cluster) Close() error {
	c.mu.Lock()
	taps, feeds := c.taps, c.remote
	c.taps, c.remote = map[string]*tap{}, map[string]*remoteFeed{}
	c.mu.Unlock()
	for _, t := range taps {
		t.stop()
	}
	for id := range feeds {
		c.r.Unwatch(id)
	}
	if c.cancel != nil {
		c.cancel()
	}
	c.wg.Wait()
	c.closeParts()
	return nil
}

func (c *Cluster) closeParts() {
	if c.ctl != nil {
		c.ctl.Close()
	}
	c.r.Close()
	c.ls.Close()
	c.w.Close()
}

// Writer, Reader: their counters, for metrics and /healthz.
func (c *Cluster) Writer() *Writer { return c.w }
func (c *Cluster) Reader() *Reader { return c.r }

// Attach takes the Sentinel's lease and makes pub its publisher here. It
// refuses (the caller answers `conflict`) when another node holds the
// lease. With Redis unreachable the node still publishes locally: its
// ingest must not depend on Redis.
func (c *Cluster) Attach(id string, pub live.Publisher) (*live.Sentinel, *hub.Stream, bool) {
	// One attach at a time on this node, so that the check below and the
	// lease cannot race with another local connection of the same id.
	c.attachMu.Lock()
	defer c.attachMu.Unlock()
	if sn := c.Local.Lookup(id); sn != nil && sn.Publisher() != nil {
		// Publishing here already: taking the lease again would bump the
		// epoch and fence the connection that holds it.
		return nil, nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	epoch, err := c.ls.Acquire(ctx, id)
	if errors.Is(err, ErrConflict) {
		c.log.Info("sentinel refused: held by another node", "sentinel", id, "err", err)
		return nil, nil, false
	}
	if err != nil {
		c.log.Warn("sentinel attached without a lease: redis unreachable", "sentinel", id, "err", err)
	}
	c.stopRemote(id) // it was followed from another node: this node holds it now
	sn, st, ok := c.Local.Attach(id, pub)
	if !ok {
		// The hub is closed (the server is shutting down).
		c.ls.Release(ctx, id)
		return nil, nil, false
	}
	t := startTap(c, id, st, epoch)
	c.mu.Lock()
	c.taps[id] = t
	c.mu.Unlock()
	return sn, st, true
}

// Detach ends pub's turn and gives the lease up.
func (c *Cluster) Detach(sn *live.Sentinel, pub live.Publisher) {
	// Under attachMu: a new local connection of the id attaching meanwhile
	// must not lose the lease to this release.
	c.attachMu.Lock()
	defer c.attachMu.Unlock()
	if sn.Publisher() != pub {
		c.Local.Detach(sn, pub) // not the publisher: Local ignores it too
		return
	}
	c.mu.Lock()
	t := c.taps[sn.ID()]
	delete(c.taps, sn.ID())
	c.mu.Unlock()
	if t != nil {
		t.stop()
	}
	c.Local.Detach(sn, pub)
	c.share(sn)
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	if err := c.ls.Release(ctx, sn.ID()); err != nil {
		c.log.Warn("release lease", "sentinel", sn.ID(), "err", err)
	}
}

// onKeyframe and onFPS apply control requests from other nodes to a
// Sentinel held here; fps enters the Sentinel's own rule as one more
// request (the highest of all other nodes'), so the rule is cluster-wide.
func (c *Cluster) onKeyframe(id string) {
	if sn := c.Local.Lookup(id); sn != nil {
		sn.Keyframe()
	}
}

func (c *Cluster) onFPS(id string, fps float64) {
	if sn := c.Local.Lookup(id); sn != nil {
		sn.SetFPS(c.fps, fps)
	}
}

// fpsKey stands for the other nodes among a Sentinel's fps requests; it
// is a request key only and receives nothing.
type fpsKey struct{}

func (*fpsKey) Event(string, []byte) {}
func (*fpsKey) Text([]byte)          {}

var _ live.Registry = (*Cluster)(nil)

// Degraded says why live streams are not shared with the cluster right
// now, "" while Redis answers (for /healthz).
func (c *Cluster) Degraded() string {
	if up, _, _ := c.RedisCounters(); !up {
		return "redis unreachable: live streams are not shared with other nodes"
	}
	return ""
}

// RedisCounters: whether Redis answers the writer and the reader, and
// the live segments not shared (queue full; refused or unreachable).
func (c *Cluster) RedisCounters() (up bool, dropped, failed uint64) {
	ws, rs := c.w.Stats(), c.r.Stats()
	return ws.Up && rs.Up, ws.Dropped, ws.Failed + ws.Fenced
}
