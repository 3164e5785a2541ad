package server

import (
	"context"
	"sync"
	"time"
)

// proxyCacheTTL is how long the proxy reuses a Sentinel's holders and
// the node list: each proxied request would otherwise cost a PostgreSQL
// and a Redis round trip before the fetch itself. A node that died within
// it is tried, fails and is skipped; an empty holder list is never cached,
// so a stream that just started is found at once.
const proxyCacheTTL = time.Second

// proxyCache keeps recent answers of the holders table and the registry.
type proxyCache struct {
	mu      sync.Mutex
	holders map[string]cachedHolders
	peers   map[string]string
	peersAt time.Time
}

type cachedHolders struct {
	nodes []string
	at    time.Time
}

// holdersOf returns sentinel's holders, from the cache when fresh.
func (p *historyProxy) holdersOf(ctx context.Context, sentinel string) ([]string, error) {
	now := time.Now()
	p.cache.mu.Lock()
	h, ok := p.cache.holders[sentinel]
	p.cache.mu.Unlock()
	if ok && now.Sub(h.at) < proxyCacheTTL {
		return h.nodes, nil
	}
	nodes, err := p.meta.Holders(ctx, sentinel)
	if err != nil || len(nodes) == 0 {
		return nodes, err
	}
	p.cache.mu.Lock()
	if p.cache.holders == nil || len(p.cache.holders) > 10000 {
		p.cache.holders = map[string]cachedHolders{} // bounded: dropped whole
	}
	p.cache.holders[sentinel] = cachedHolders{nodes: nodes, at: now}
	p.cache.mu.Unlock()
	return nodes, nil
}

// livePeers returns the live nodes' advertised URLs, from the cache when
// fresh.
func (p *historyProxy) livePeers(ctx context.Context) (map[string]string, error) {
	now := time.Now()
	p.cache.mu.Lock()
	m, at := p.cache.peers, p.cache.peersAt
	p.cache.mu.Unlock()
	if m != nil && now.Sub(at) < proxyCacheTTL {
		return m, nil
	}
	m, err := p.peers(ctx)
	if err != nil {
		return nil, err
	}
	p.cache.mu.Lock()
	p.cache.peers, p.cache.peersAt = m, now
	p.cache.mu.Unlock()
	return m, nil
}
