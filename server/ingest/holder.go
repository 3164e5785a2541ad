package ingest

import "context"

// HolderRecorder records which cluster node holds a Sentinel's segments
// (meta.DB.AddHolder), so that any node can find one to stream them from.
type HolderRecorder interface {
	AddHolder(ctx context.Context, sentinel, node string) error
}

// recordHolder notes, once per stream, that this node (Core.Node) now
// holds segments of sentinel. Without a node name (a single node) it does
// nothing; a failure is logged, not fatal: the segment is stored anyway,
// only proxying from other nodes cannot find it.
func (s *Core) recordHolder(sentinel string) {
	if s.Holders == nil || s.Node == "" {
		return
	}
	ctx, cancel := dbctx()
	defer cancel()
	if err := s.Holders.AddHolder(ctx, sentinel, s.Node); err != nil {
		s.Log.Warn("record holder", "sentinel", sentinel, "node", s.Node, "err", err)
	}
}
