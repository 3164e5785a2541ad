package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// acquireScript takes px:lease:{id} for a node: SET NX PX, or over a lease
// the same node already holds (it restarted, or its Sentinel reconnected),
// and INCRs the epoch in px:meta:{id}, the fencing number every write of
// the new holder carries. Returns {1, epoch} or {0, holder}.
var acquireScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return {0, cur} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local e = redis.call('HINCRBY', KEYS[2], 'epoch', 1)
redis.call('HSET', KEYS[2], 'owner', ARGV[1])
return {1, e}
`)

// renewScript extends a lease if this node still holds it at this epoch.
// A lease that vanished (Redis restarted empty, or expired during an
// outage) is taken back if no newer epoch exists. Returns 1 or 0.
var renewScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local e = tonumber(redis.call('HGET', KEYS[2], 'epoch') or '0')
local mine = tonumber(ARGV[3])
if (cur == ARGV[1] or not cur) and e <= mine then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  if e < mine then redis.call('HSET', KEYS[2], 'epoch', ARGV[3], 'owner', ARGV[1]) end
  return 1
end
return 0
`)

// releaseScript deletes the lease only if this node holds it.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[2], 'owner')
  return 1
end
return 0
`)

// Leases holds this node's Sentinel leases, one publisher cluster-wide:
// each Sentinel connected here is held through px:lease:{id} with a TTL,
// all renewed in one pipeline every TTL/3. A node that dies loses its
// leases within the TTL, so its Sentinels can reconnect elsewhere.
type Leases struct {
	rdb    redis.UniversalClient
	node   string
	ttl    time.Duration
	onLost func(id string)
	log    *slog.Logger

	mu   sync.Mutex
	held map[string]int64 // Sentinel id -> epoch

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewLeases starts the renewal for node. ttl <= 0 means 5 s. onLost (may
// be nil) is called from the renewal goroutine for a lease another node
// took: the caller ends that Sentinel's connection here.
func NewLeases(rdb redis.UniversalClient, node string, ttl time.Duration, onLost func(id string), log *slog.Logger) *Leases {
	if ttl <= 0 {
		ttl = 5 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Leases{rdb: rdb, node: node, ttl: ttl, onLost: onLost, held: map[string]int64{},
		log: log.With("component", "bus.leases", "node", node), cancel: cancel}
	l.wg.Add(1)
	go l.run(ctx)
	return l
}

// Acquire takes the lease of Sentinel id and returns its epoch (the
// fencing number for Segment.Epoch). It wraps ErrConflict, naming the
// holder, when another node holds it.
func (l *Leases) Acquire(ctx context.Context, id string) (int64, error) {
	res, err := acquireScript.Run(ctx, l.rdb, []string{leaseKey(id), metaKey(id)}, l.node, l.ttl.Milliseconds()).Slice()
	if err != nil {
		return 0, fmt.Errorf("acquire lease %s: %w", id, err)
	}
	if ok, _ := res[0].(int64); ok != 1 {
		return 0, fmt.Errorf("acquire lease %s: %w: held by %v", id, ErrConflict, res[1])
	}
	epoch, _ := res[1].(int64)
	l.mu.Lock()
	l.held[id] = epoch
	l.mu.Unlock()
	return epoch, nil
}

// Release gives the lease of id up (the Sentinel ended or disconnected).
func (l *Leases) Release(ctx context.Context, id string) error {
	l.mu.Lock()
	delete(l.held, id)
	l.mu.Unlock()
	if err := releaseScript.Run(ctx, l.rdb, []string{leaseKey(id), metaKey(id)}, l.node).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", id, err)
	}
	return nil
}

// Holder is the node holding Sentinel id's lease, "" if none.
func Holder(ctx context.Context, rdb redis.UniversalClient, id string) (string, error) {
	n, err := rdb.Get(ctx, leaseKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lease holder %s: %w", id, err)
	}
	return n, nil
}

// Close stops renewing; the leases lapse within the TTL (a clean shutdown
// releases each Sentinel first).
func (l *Leases) Close() error {
	l.cancel()
	l.wg.Wait()
	return nil
}

func (l *Leases) run(ctx context.Context) {
	defer l.wg.Done()
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.renew(ctx)
	}
}

// renew extends every held lease in one pipeline. A Redis that does not
// answer leaves them held here (nobody else can take them either while
// it is down); a refusal means another node took over: onLost.
func (l *Leases) renew(ctx context.Context) {
	l.mu.Lock()
	ids := make([]string, 0, len(l.held))
	epochs := make([]int64, 0, len(l.held))
	for id, e := range l.held {
		ids, epochs = append(ids, id), append(epochs, e)
	}
	l.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, l.ttl/3)
	defer cancel()
	if err := renewScript.Load(ctx, l.rdb).Err(); err != nil {
		l.log.Debug("renew leases", "err", err)
		return
	}
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(ids))
	for i, id := range ids {
		cmds[i] = renewScript.EvalSha(ctx, pipe, []string{leaseKey(id), metaKey(id)}, l.node, l.ttl.Milliseconds(), epochs[i])
	}
	_, _ = pipe.Exec(ctx)
	for i, c := range cmds {
		if n, err := c.Int64(); err != nil || n != 0 {
			continue
		}
		l.mu.Lock()
		lost := l.held[ids[i]] == epochs[i]
		if lost {
			delete(l.held, ids[i])
		}
		l.mu.Unlock()
		if lost {
			l.log.Warn("lease taken by another node", "sentinel", ids[i], "epoch", epochs[i])
			if l.onLost != nil {
				l.onLost(ids[i])
			}
		}
	}
}
