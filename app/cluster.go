package app

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"proctor/server"
	"proctor/server/bus"
	"proctor/server/hub"
	"proctor/server/live"
)

// clusterOpts are the scale-out flags of `proctor server`. Without
// -redis nothing changes: the in-process live registry is the default.
type clusterOpts struct {
	redis, node, advertise, role string
}

func clusterFlags(fs *flag.FlagSet) *clusterOpts {
	o := &clusterOpts{}
	fs.StringVar(&o.redis, "redis", os.Getenv("PROCTOR_REDIS"), "Redis URL of the cluster, redis://HOST:PORT/DB (also PROCTOR_REDIS); empty: a single node")
	fs.StringVar(&o.node, "node-id", "", "this node's id in the cluster (default: host-port)")
	fs.StringVar(&o.advertise, "advertise", "", "URL other nodes reach this node's HTTP API at")
	fs.StringVar(&o.role, "role", "all", "cluster role: ingest, edge or all")
	return o
}

// wire fills cfg.NewLive with the bus and registers the node; the
// returned stop unregisters it and closes the clients after the server.
func (o *clusterOpts) wire(ctx context.Context, cfg *server.Config, log *slog.Logger) (stop func(), err error) {
	if o.redis == "" {
		return func() {}, nil
	}
	switch o.role {
	case "ingest", "edge", "all":
	default:
		return nil, &ExitError{Code: 2, Err: fmt.Errorf("-role %q: want ingest, edge or all", o.role)}
	}
	opt, err := redis.ParseURL(o.redis)
	if err != nil {
		return nil, &ExitError{Code: 2, Err: fmt.Errorf("-redis: %w", err)}
	}
	if o.node == "" {
		host, _ := os.Hostname()
		_, port, _ := net.SplitHostPort(cfg.Addr)
		o.node = host + "-" + port
	}
	// Three clients: the writer's (and leases, events), the reader's own
	// (its blocking XREAD holds a connection), and the control's Pub/Sub.
	var clients []*redis.Client
	for range 3 {
		clients = append(clients, redis.NewClient(opt))
	}
	closeAll := func() {
		for _, c := range clients {
			c.Close()
		}
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	reg, err := bus.Register(rctx, clients[0], bus.NodeInfo{ID: o.node, Advertise: o.advertise, Role: o.role}, 0, log)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("join cluster at %s: %w", opt.Addr, err)
	}
	cfg.Role = o.role
	// History this node does not hold is streamed from a node that does,
	// found by its advertised URL (server/history_proxy.go).
	cfg.Node = o.node
	cfg.Peers = func(ctx context.Context) (map[string]string, error) {
		nodes, err := bus.Nodes(ctx, clients[0])
		m := make(map[string]string, len(nodes))
		for _, n := range nodes {
			m[n.ID] = n.Advertise
		}
		return m, err
	}
	cfg.NewLive = func(h *hub.Hub) (live.Registry, error) {
		return bus.NewCluster(h, clients[0], clients[1], clients[2], bus.ClusterConfig{Node: o.node, Window: cfg.Window}, log)
	}
	log.Info("cluster node", "node", o.node, "role", o.role, "redis", opt.Addr, "advertise", o.advertise)
	return func() {
		if err := reg.Close(); err != nil {
			log.Warn("leave cluster", "err", err)
		}
		closeAll()
	}, nil
}
