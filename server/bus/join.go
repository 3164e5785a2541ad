package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"proctor/proto"
)

// Watch starts delivering Sentinel id's stream to fn: first the current
// init segment, then the entries from the latest keyframe, then live
// entries as they arrive, with no gap and no duplicate at the seam (the
// live read continues from the last id the join returned). The join's
// entries are delivered before Watch returns, from the caller's goroutine;
// live entries follow from the reader goroutine, never concurrently with
// the join. A stream that does not exist yet is followed from its start.
func (r *Reader) Watch(ctx context.Context, id string, fn func(Entry)) error {
	return r.watch(ctx, id, fn, false)
}

// WatchWindow is Watch joining with everything the stream retains (the
// memory window, always back to the latest keyframe) rather than from the
// latest keyframe: a node feeding its hub ring this way serves a watcher
// resuming with "from" anywhere in the window, as the ingest node would.
// Entries of an older init generation than the current one are left out.
func (r *Reader) WatchWindow(ctx context.Context, id string, fn func(Entry)) error {
	return r.watch(ctx, id, fn, true)
}

func (r *Reader) watch(ctx context.Context, id string, fn func(Entry), window bool) error {
	if !proto.ValidID(id) {
		return fmt.Errorf("watch %q: %w", id, proto.ErrID)
	}
	key := segKey(id)
	var getInit *redis.StringCmd
	var getMeta *redis.SliceCmd
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		getInit = p.Get(ctx, initKey(id))
		getMeta = p.HMGet(ctx, metaKey(id), metaKF, metaGen)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("watch %s: read init and keyframe: %w", id, err)
	}
	meta := getMeta.Val()
	kf, _ := meta[0].(string)
	gen, _ := meta[1].(string)

	var entries []redis.XMessage
	last := "0-0"
	if kf != "" {
		start := kf
		if window {
			start = "-"
		}
		if entries, err = r.rdb.XRange(ctx, key, start, "+").Result(); err != nil {
			return fmt.Errorf("watch %s: read from %s: %w", id, start, err)
		}
		if window {
			entries = currentGeneration(entries, gen)
		}
	}
	if len(entries) > 0 {
		last = entries[len(entries)-1].ID
	} else if kf != "" {
		// The keyframe entry was cut by the length cap: continue from the
		// stream's end rather than replay it from its start.
		tail, err := r.rdb.XRevRangeN(ctx, key, "+", "-", 1).Result()
		if err != nil {
			return fmt.Errorf("watch %s: read last id: %w", id, err)
		}
		if len(tail) > 0 {
			last = tail[0].ID
		}
	}

	deliver := func(m redis.XMessage) {
		e, err := decodeEntry(m.ID, key, m.Values)
		if err != nil {
			r.malformed.Add(1)
			r.log.Warn("skip stream entry", "sentinel", id, "err", err)
			return
		}
		e.Sentinel = id
		fn(e)
	}
	if init := getInit.Val(); init != "" && (len(entries) == 0 || kindOf(entries[0]) != proto.KindInit) {
		g, _ := strconv.ParseUint(gen, 10, 64)
		fn(Entry{ID: "", Segment: Segment{Sentinel: id, Kind: proto.KindInit, Seq: 0, Generation: g, Data: []byte(init)}})
	}
	for _, m := range entries {
		deliver(m)
	}
	return r.add(ctx, key, last, deliver)
}

// Unwatch stops delivering Sentinel id's stream.
func (r *Reader) Unwatch(id string) { r.remove(segKey(id)) }

// currentGeneration drops the leading entries of older init generations
// (their init is no longer px:init): from the first entry of generation
// gen, or the last init entry, on.
func currentGeneration(es []redis.XMessage, gen string) []redis.XMessage {
	for i, m := range es {
		if g, _ := m.Values[fGen].(string); g == gen || kindOf(m) == proto.KindInit {
			return es[i:]
		}
	}
	return nil
}

// kindOf is an entry's kind field, 0 if it has none.
func kindOf(m redis.XMessage) proto.Kind {
	s, _ := m.Values[fKind].(string)
	n, _ := strconv.Atoi(s)
	return proto.Kind(n)
}
