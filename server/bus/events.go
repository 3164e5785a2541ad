package bus

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Event is one shared state change (a Sentinel live, stalled or offline,
// its stats, a session's state, a marker): small JSON, never media.
type Event struct {
	// ID is the px:events entry id (set on read; a tailer resumes after it).
	ID string
	// Type names the change, e.g. "sentinel", "session", "marker".
	Type     string
	Sentinel string
	// Node is the node that published the change.
	Node string
	// Data is the change itself, JSON the publisher and readers agree on.
	Data []byte
}

// DefaultEventsMaxLen caps px:events (MAXLEN ~): enough for a node that was
// cut off for a while to catch up, small enough to cost little memory.
const DefaultEventsMaxLen = 10000

// PublishEvent appends ev to px:events (ev.ID is ignored) and returns the
// entry id. maxLen <= 0 means DefaultEventsMaxLen.
func PublishEvent(ctx context.Context, rdb redis.UniversalClient, ev Event, maxLen int64) (string, error) {
	if maxLen <= 0 {
		maxLen = DefaultEventsMaxLen
	}
	id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: eventsKey, MaxLen: maxLen, Approx: true,
		Values: []string{"type", ev.Type, "sentinel", ev.Sentinel, "node", ev.Node, "data", string(ev.Data)}}).Result()
	if err != nil {
		return "", fmt.Errorf("publish %s event: %w", ev.Type, err)
	}
	return id, nil
}

// TailEvents delivers every px:events entry after from to fn, from the
// reader goroutine, in order; the reader keeps its last id across Redis
// outages, so a node that was cut off catches up on what is retained.
// from "" starts at the current end (resolved to a real id, never "$");
// "0-0" replays everything retained. It shares the reader's single XREAD.
func (r *Reader) TailEvents(ctx context.Context, from string, fn func(Event)) error {
	if from == "" {
		tail, err := r.rdb.XRevRangeN(ctx, eventsKey, "+", "-", 1).Result()
		if err != nil {
			return fmt.Errorf("tail events: read last id: %w", err)
		}
		from = "0-0"
		if len(tail) > 0 {
			from = tail[0].ID
		}
	}
	return r.add(ctx, eventsKey, from, func(m redis.XMessage) {
		s := func(k string) string { v, _ := m.Values[k].(string); return v }
		fn(Event{ID: m.ID, Type: s("type"), Sentinel: s("sentinel"), Node: s("node"), Data: []byte(s("data"))})
	})
}

// UntailEvents stops TailEvents.
func (r *Reader) UntailEvents() { r.remove(eventsKey) }
