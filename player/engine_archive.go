package player

import (
	"context"
	"fmt"
	"time"
)

// listInterval rate-limits refreshing the Archive's segment list.
const listInterval = 2 * time.Second

// fetch waits for a segment from the Archive. done is false when the
// command changed or the segment failed (then the cursor has moved on).
func (e *engine) fetch(seg segment) (data []byte, done bool) {
	p := e.p
	if p.cache == nil {
		e.skip(seg.seq, fmt.Errorf("%w: segment %d is no longer in memory", ErrMissing, seg.seq))
		return nil, false
	}
	f := p.cache.get(seg.seq)
	for {
		select {
		case <-f.done:
			if f.err != nil {
				e.skip(seg.seq, f.err)
				return nil, false
			}
			p.countSegment(len(f.data))
			return f.data, true
		case <-p.kick:
			if p.epochA.Load() != e.epoch {
				return nil, false
			}
		case <-p.ctx.Done():
			return nil, false
		}
	}
}

// prefetch starts fetching the segments after seq that are not in memory.
func (e *engine) prefetch(seq uint64) {
	p := e.p
	if p.cache == nil {
		return
	}
	key := p.keyA.Load()
	for n := 0; n < p.opts.Prefetch; {
		s, ok := p.tl.next(seq, key)
		if !ok {
			return
		}
		seq = s.seq
		if s.data == nil {
			p.cache.get(s.seq)
			n++
		}
	}
}

// refreshList merges the Archive's segment list into the timeline; it
// reports whether a request was made and succeeded.
func (e *engine) refreshList(force bool) bool {
	p := e.p
	if p.arch == nil {
		return false
	}
	now := time.Now()
	if !force && now.Sub(e.lastList) < listInterval {
		return false
	}
	e.lastList = now
	ctx, cancel := context.WithTimeout(p.ctx, fetchTimeout)
	defer cancel()
	list, err := p.arch.Segments(ctx, e.listEnd, time.Time{})
	if err != nil {
		if p.ctx.Err() == nil {
			p.report(fmt.Errorf("%w: segment list: %w", ErrFetch, err), 0)
		}
		return false
	}
	if n := len(list); n > 0 {
		e.listEnd = list[n-1].Start
	}
	p.tl.mergeArchive(list)
	return true
}
