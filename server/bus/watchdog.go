package bus

import (
	"context"
	"fmt"
	"time"
)

// watchdogKey is the lock of one session's abandonment, so that one node
// of the cluster does it, not all at once.
func watchdogKey(sid string) string { return "px:watchdog:{" + sid + "}" }

// watchdogLockTTL is how long a node's claim on abandoning a session
// lasts. It is not released: once abandoned, the session is no longer
// stale, and a node that read it as stale just before must not claim it
// again meanwhile.
const watchdogLockTTL = 10 * time.Second

// ClaimAbandon says whether this node may abandon the stale session sid
// whose Sentinels are sentinels (ingest.ClusterWatchdog): none of them
// holds a live lease on any node (a Sentinel that moved to another node
// keeps its session), and this node took px:watchdog:{sid} (SET NX PX),
// so one node does it. Sentinels' leases live in other hash slots than
// the lock, so the two steps are not one script; a Sentinel that takes a
// lease between them finds its session abandoned and starts a new one,
// as after any grace period.
func (c *Cluster) ClaimAbandon(ctx context.Context, sid string, sentinels []string) (bool, error) {
	for _, id := range sentinels {
		h, err := Holder(ctx, c.rdb, id)
		if err != nil {
			return false, fmt.Errorf("watchdog %s: %w", sid, err)
		}
		if h != "" {
			return false, nil
		}
	}
	ok, err := c.rdb.SetNX(ctx, watchdogKey(sid), c.cfg.Node, watchdogLockTTL).Result()
	if err != nil {
		return false, fmt.Errorf("watchdog %s: lock: %w", sid, err)
	}
	return ok, nil
}
