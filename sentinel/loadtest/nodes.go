package loadtest

import (
	"fmt"
	"io"
	"time"
)

// A load test over several nodes (Config.Server "URL1,URL2,..."): the
// replayed Sentinels publish to the first, the ingest node, and watcher
// connections are dealt round robin over the others, the edge nodes, so
// loss and latency can be told apart per node. With one URL everything
// runs on it and the report has no per-node part.

// NodeReport is what the watchers on one edge node got.
type NodeReport struct {
	Server                  string
	Watchers, Subscriptions int
	Expected, Delivered     int64
	Skipped, Lost, Dups     int64
	Join, Latency           Percentiles
}

// edges returns the URLs the watchers use.
func (c *Config) edges() []string {
	if len(c.Servers) > 1 {
		return c.Servers[1:]
	}
	return c.Servers
}

// edgeOf returns the index in edges of watcher w's node.
func (c *Config) edgeOf(w int) int { return w % len(c.edges()) }

// nodeTally gathers the per-node figures while Run sums the followers.
type nodeTally struct {
	nodes []NodeReport
	joins [][]time.Duration
	lats  [][]time.Duration
}

// newNodeTally returns nil for a single-server run: no per-node report.
func newNodeTally(cfg *Config) *nodeTally {
	if len(cfg.Servers) < 2 {
		return nil
	}
	edges := cfg.edges()
	t := &nodeTally{nodes: make([]NodeReport, len(edges)),
		joins: make([][]time.Duration, len(edges)), lats: make([][]time.Duration, len(edges))}
	for i, u := range edges {
		t.nodes[i].Server = u
	}
	for w := range cfg.Watchers {
		t.nodes[cfg.edgeOf(w)].Watchers++
	}
	return t
}

// add counts follower f, whose figures are final. Caller holds f.mu.
func (t *nodeTally) add(f *follower) {
	if t == nil {
		return
	}
	n := &t.nodes[f.node]
	n.Subscriptions++
	n.Delivered += f.delivered
	n.Skipped += f.skipped
	n.Lost += f.lost
	n.Dups += f.dups
	if f.have {
		t.joins[f.node] = append(t.joins[f.node], f.join)
	}
	t.lats[f.node] = append(t.lats[f.node], f.latency...)
}

// report returns the per-node figures, nil for a single-server run.
func (t *nodeTally) report() []NodeReport {
	if t == nil {
		return nil
	}
	for i := range t.nodes {
		n := &t.nodes[i]
		n.Expected = n.Delivered + n.Skipped + n.Lost
		n.Join, n.Latency = percentiles(t.joins[i]), percentiles(t.lats[i])
	}
	return t.nodes
}

// writeNodes prints the per-node part of the table.
func (r Report) writeNodes(w io.Writer, row func(k, format string, a ...any)) {
	if len(r.Nodes) == 0 {
		return
	}
	row("sentinels publish to", "%s", r.Ingest)
	for _, n := range r.Nodes {
		fmt.Fprintf(w, "  watchers on %s: %d connections, %d subscriptions\n", n.Server, n.Watchers, n.Subscriptions)
		row("  segments delivered", "%d of %d expected", n.Delivered, n.Expected)
		row("  skipped/lost/duplicates", "%d / %d / %d", n.Skipped, n.Lost, n.Dups)
		row("  join time p50/p95/p99", "%s", n.Join)
		row("  relay latency p50/p95/p99", "%s", n.Latency)
	}
}
