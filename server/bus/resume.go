package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// LastSeq is the highest media sequence of Sentinel id that any node
// appended to the cluster (px:meta:{id} seq, written by the append script
// under the lease's fence). A node a Sentinel reconnects to after its node
// died knows nothing of the stream locally; with this it welcomes the
// Sentinel with the next sequence the cluster has, so the live sequence
// edges serve runs on with no duplicate. Read it after Attach: the lease
// taken there raised the epoch, so the old holder's writer, if it still
// runs somewhere, is fenced and cannot append past the value read. ok is
// false when the cluster has no media of id.
func (c *Cluster) LastSeq(ctx context.Context, id string) (seq uint64, ok bool, err error) {
	v, err := c.rdb.HGet(ctx, metaKey(id), metaSeq).Result()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("bus: last sequence of %s: %w", id, err)
	}
	seq, err = strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("bus: last sequence of %s: %q: %w", id, v, err)
	}
	return seq, true, nil
}
