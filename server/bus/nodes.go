package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// NodeInfo is what the registry knows of a node.
type NodeInfo struct {
	ID string `json:"id"`
	// Advertise is how other nodes reach this node's HTTP API.
	Advertise string `json:"advertise"`
	// Role is ingest, edge or all.
	Role string `json:"role"`
}

// Registry keeps this node in px:node:{node} (with a TTL, renewed) and in
// the px:nodes set while it runs, so other nodes know it is alive; a node
// that dies drops out within the TTL. After a Redis outage (or a restart
// that lost the keys) the next renewal registers it again.
type Registry struct {
	rdb  redis.UniversalClient
	info NodeInfo
	ttl  time.Duration
	log  *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Register puts info in the registry and keeps it there until Close. ttl
// <= 0 means 10 s; renewal runs every ttl/3. The first registration must
// succeed: a node that cannot reach Redis at start says so.
func Register(ctx context.Context, rdb redis.UniversalClient, info NodeInfo, ttl time.Duration, log *slog.Logger) (*Registry, error) {
	if ttl <= 0 {
		ttl = 10 * time.Second
	}
	g := &Registry{rdb: rdb, info: info, ttl: ttl, log: log.With("component", "bus.registry", "node", info.ID)}
	if err := g.put(ctx); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.Background())
	g.cancel = cancel
	g.wg.Add(1)
	go g.renew(rctx)
	return g, nil
}

func (g *Registry) put(ctx context.Context) error {
	b, _ := json.Marshal(g.info)
	_, err := g.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, nodeKey(g.info.ID), b, g.ttl)
		p.SAdd(ctx, nodesKey, g.info.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("register node %s: %w", g.info.ID, err)
	}
	return nil
}

func (g *Registry) renew(ctx context.Context) {
	defer g.wg.Done()
	t := time.NewTicker(g.ttl / 3)
	defer t.Stop()
	up := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := g.put(ctx)
		if (err == nil) != up {
			up = err == nil
			if up {
				g.log.Info("node registered again")
			} else {
				g.log.Warn("node registration lapsing", "err", err)
			}
		}
	}
}

// Close stops renewing and removes the node from the registry.
func (g *Registry) Close() error {
	g.cancel()
	g.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := g.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, nodeKey(g.info.ID))
		p.SRem(ctx, nodesKey, g.info.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("unregister node %s: %w", g.info.ID, err)
	}
	return nil
}

// Nodes lists the live nodes. Members of px:nodes whose key has expired
// (the node died) are removed from the set.
func Nodes(ctx context.Context, rdb redis.UniversalClient) ([]NodeInfo, error) {
	ids, err := rdb.SMembers(ctx, nodesKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = nodeKey(id)
	}
	vals, err := rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("read nodes: %w", err)
	}
	var out []NodeInfo
	for i, v := range vals {
		s, ok := v.(string)
		var n NodeInfo
		if !ok || json.Unmarshal([]byte(s), &n) != nil {
			rdb.SRem(ctx, nodesKey, ids[i])
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

// Alive reports whether node is registered.
func Alive(ctx context.Context, rdb redis.UniversalClient, node string) (bool, error) {
	n, err := rdb.Exists(ctx, nodeKey(node)).Result()
	if err != nil {
		return false, fmt.Errorf("node %s alive: %w", node, err)
	}
	return n == 1, nil
}
