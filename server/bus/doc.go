// Package bus carries live streams and small shared state between Proctor
// nodes through Redis (go-redis v9), for `proctor server --redis URL`.
//
// Media goes through Redis Streams, one per Sentinel (px:seg:{id}), written
// by one pipelined Writer per node behind a bounded queue, so a slow Redis
// never blocks a Sentinel's connection. Each node reads every stream its
// watchers follow with one Reader: one blocking XREAD over all watched keys,
// re-issued with a short Block and always the real last id (go-redis#2556
// and the lost-entries pitfall in DESIGN.md). A join reads the current init
// and the entries from the latest keyframe, then continues live from the
// last id read, so the seam has no gap and no duplicate.
//
// Small state goes through keys: the node registry (px:node:{node} with a
// TTL, px:nodes), the per-Sentinel lease with a fencing epoch
// (px:lease:{id}, px:meta:{id}), the px:events stream every node tails,
// and control requests on a Pub/Sub channel per owning node. Media never
// goes through Pub/Sub: Redis cuts Pub/Sub clients at 32 MB of output.
//
// The hash tag {id} keeps one Sentinel's keys in one Redis Cluster slot.
package bus
