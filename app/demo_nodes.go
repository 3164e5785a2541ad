package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"proctor/server"
	"proctor/server/auth"
)

// demoNode is one embedded server of the demo.
type demoNode struct {
	id   string // "ingest1", "edge1", ...; "local" for the one-node demo
	role string // ingest, edge; "" for the one-node demo
	url  string
	wait func() error // blocks until the server has shut down
	stop func()       // leaves the cluster and closes its Redis clients
}

// demoNodes are the servers of a demo: one plain node (`--nodes 1`, no
// Redis), or a real cluster on one machine: a redis-server, an ingest
// node that the Sentinels publish to, and edge nodes, one of which the
// app talks to. Every node has its own data folder and loopback port.
type demoNodes struct {
	nodes  []*demoNode
	redis  *demoRedis // nil for one node
	cancel context.CancelFunc
}

// demoGrace is the embedded server's grace period: longer than the
// offline cue, so the candidate who goes offline continues their session.
const demoGrace = 45 * time.Second

// startDemoNodes starts n nodes with data folders under dir. The nodes
// run until close; on error everything started is stopped.
func startDemoNodes(ctx context.Context, dir string, n int, key []byte, log *slog.Logger) (_ *demoNodes, err error) {
	if n < 1 {
		return nil, &ExitError{Code: 2, Err: fmt.Errorf("--nodes %d: want at least 1", n)}
	}
	// The servers outlive the caller's ctx: the demo's Sentinels must be
	// able to say "end" on the way out, so close cancels them last.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d := &demoNodes{cancel: cancel}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	cfg := func(sub string) server.Config { return demoServerConfig(filepath.Join(dir, sub), key) }
	if n == 1 {
		url, wait, err := serveLocal(sctx, cfg("."), log)
		if err != nil {
			return nil, fmt.Errorf("demo server: %w", err)
		}
		d.nodes = append(d.nodes, &demoNode{id: "local", url: url, wait: wait, stop: func() {}})
		return d, nil
	}
	rdir := filepath.Join(dir, "redis")
	if err := os.MkdirAll(rdir, 0o755); err != nil {
		return nil, fmt.Errorf("redis directory: %w", err)
	}
	if d.redis, err = startDemoRedis(rdir); err != nil {
		return nil, err
	}
	log.Info("demo redis-server", "addr", d.redis.addr, "pid", d.redis.pid())
	for i := range n {
		id, role := fmt.Sprintf("edge%d", i), "edge"
		if i == 0 {
			id, role = "ingest1", "ingest"
		}
		node, err := startClusterNode(sctx, cfg(id), id, role, d.redis.url(), log)
		if err != nil {
			return nil, fmt.Errorf("demo node %s: %w", id, err)
		}
		d.nodes = append(d.nodes, node)
	}
	return d, nil
}

// startClusterNode starts one node as `proctor server --redis URL
// --node-id id --role role --advertise URL` wires it.
func startClusterNode(ctx context.Context, cfg server.Config, id, role, redisURL string, log *slog.Logger) (*demoNode, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cfg.Addr = ln.Addr().String()
	url := "http://" + cfg.Addr
	opts := &clusterOpts{redis: redisURL, node: id, advertise: url, role: role}
	stop, err := opts.wire(ctx, &cfg, log.With("node", id))
	if err != nil {
		ln.Close()
		return nil, err
	}
	url, wait, err := serveOn(ctx, ln, cfg, log.With("node", id))
	if err != nil {
		stop()
		return nil, err
	}
	return &demoNode{id: id, role: role, url: url, wait: wait, stop: stop}, nil
}

// ingest is the node the Sentinels publish to: the first.
func (d *demoNodes) ingest() *demoNode { return d.nodes[0] }

// app is the node the desktop app talks to: the first edge, or the only
// node.
func (d *demoNodes) app() *demoNode { return d.nodes[min(1, len(d.nodes)-1)] }

// close shuts every node down gracefully, then leaves the cluster (each
// node's registration and Redis clients), then stops redis-server by its
// pid and waits for it.
func (d *demoNodes) close() error {
	d.cancel()
	var errs []error
	for _, n := range d.nodes {
		if err := n.wait(); err != nil {
			errs = append(errs, fmt.Errorf("node %s: %w", n.id, err))
		}
		n.stop()
	}
	if d.redis != nil {
		if err := d.redis.stop(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// describe is "edge1 http://127.0.0.1:PORT" (with the role when it is
// not in the id), for the window title and the demo's output.
func (n *demoNode) describe() string {
	if n.role == "" {
		return "server " + n.url
	}
	return n.id + " (" + n.role + ") " + n.url
}

// demoServer starts one embedded server as the one-node demo does, with a
// fresh secret, for the app's tests and benchmarks. wait blocks until it
// has shut down after ctx ends.
func demoServer(ctx context.Context, dir string, log *slog.Logger) (string, *auth.Signer, func() error, error) {
	key := make([]byte, 32)
	rand.Read(key)
	signer, err := auth.NewSigner(key)
	if err != nil {
		return "", nil, nil, err
	}
	url, wait, err := serveLocal(ctx, demoServerConfig(dir, key), log)
	if err != nil {
		return "", nil, nil, fmt.Errorf("demo server: %w", err)
	}
	return url, signer, wait, nil
}

// demoServerConfig is the config of every demo server: a short grace and
// heartbeat so that the app's tiles react quickly.
func demoServerConfig(dir string, key []byte) server.Config {
	return server.Config{DataDir: dir, Secret: key, Grace: demoGrace, HeartbeatEvery: time.Second}
}
