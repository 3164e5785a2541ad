package player

import (
	"context"
	"fmt"
	"time"

	"github.com/asticode/go-astiav"

	"proctor/proto"
)

// decodeSegment demuxes one media segment and decodes its samples from
// sample from on (0 but when resuming).
func (e *engine) decodeSegment(seg segment, data []byte, from int) {
	p := e.p
	if err := e.ensureGeneration(seg); err != nil {
		e.skip(seg.seq, err)
		return
	}
	mi, err := proto.ParseMedia(data, &e.info, e.samples)
	if err != nil {
		e.skip(seg.seq, fmt.Errorf("%w: segment %d: %w", ErrCorrupt, seg.seq, err))
		return
	}
	e.samples = mi.Samples
	if seg.disc && from == 0 {
		e.needKey = true
	}
	s0 := mi.Samples[0]
	e.segStart, e.pts0, e.seq = seg.start, s0.DTS+int64(s0.CTO), seg.seq
	preview := e.cmd.kind == cmdPreview
	// A seek decodes from the keyframe to the target, but a picture that
	// nothing refers to and that is not shown need not be decoded at all.
	skipBefore, nalLen := e.seekSkipBefore(mi.Samples, from), nalLengthSize(e.info.AVCC)
	e.recentFrom = time.Time{}
	if e.seeking && mi.Duration > 0 {
		// A seek keeps only the pictures it may step back to.
		per := time.Duration(mi.Duration) * time.Second / time.Duration(e.ts) / time.Duration(len(mi.Samples))
		e.recentFrom = e.target.Add(-per * (maxStepBack + 1))
	}
	for i, s := range mi.Samples {
		if i < from {
			continue
		}
		if p.epochA.Load() != e.epoch || p.ctx.Err() != nil {
			e.stopAt(seg, data, i)
			return
		}
		if i > from && e.overtaken(seg.seq) {
			return
		}
		keyOnly := p.keyA.Load() || preview
		if e.keyOnly && !keyOnly {
			e.needKey = true // the skipped references are not in the decoder
		}
		e.keyOnly = keyOnly
		if !s.Sync && (keyOnly || e.needKey) {
			continue
		}
		if s.DTS+int64(s.CTO) < skipBefore && e.seeking && disposable(data[s.Offset:s.Offset+s.Size], nalLen) {
			e.recent.reset() // the pictures kept no longer follow on
			continue
		}
		// Timestamps given to the decoder are capture times in Unix
		// microseconds, so every picture carries its own time even when
		// it comes out after the next segment (reordering) or tfdt jumps.
		pts := e.micros(s.DTS + int64(s.CTO))
		err := e.dec.send(data[s.Offset:s.Offset+s.Size], pts, e.micros(s.DTS), s.Sync)
		if err != nil {
			e.resetDecoder()
			e.needKey = true
			p.report(fmt.Errorf("segment %d: %w", seg.seq, err), 0, "seq", seg.seq)
			continue
		}
		e.needKey = false
		got := e.receiveAll()
		if !e.resolved {
			return // a step back continues from an earlier keyframe
		}
		if keyOnly && got == 0 {
			// The decoder delays output for reordering; a lone keyframe
			// must come out now.
			e.dec.drain()
			got = e.receiveAll()
			e.dec.restart()
			e.recent.reset()
			e.needKey = true
			if !e.resolved {
				return
			}
		}
		if preview && got > 0 {
			e.flushHeld()
			e.idle = true
			return
		}
	}
	e.cur = seg.seq + 1
	e.closeGOP(seg, len(mi.Samples))
}

// closeGOP drains the pictures the decoder holds back for reordering at
// the end of a live segment that is a whole GOP, when every segment so far
// started with a keyframe: the next one will too, so nothing refers back,
// and the last pictures are shown on time instead of when the next
// segment arrives. A segment without a keyframe ends the assumption.
func (e *engine) closeGOP(seg segment, samples int) {
	if !seg.key {
		e.mixedGOPs = true
	}
	if !seg.live || e.mixedGOPs || samples < 2 || !e.dec.ready() || e.dec.stale {
		return
	}
	e.dec.drain()
	e.receiveAll()
	e.dec.restart()
	e.needKey = true
}

// ensureGeneration opens the decoder with the init segment of seg's
// generation, draining pictures of the previous one first.
func (e *engine) ensureGeneration(seg segment) error {
	if e.haveGen && seg.gen == e.gen && e.dec.ready() {
		return nil
	}
	b, err := e.initFor(seg.gen)
	if err != nil {
		return err
	}
	info, err := proto.ParseInit(b)
	if err != nil {
		return fmt.Errorf("%w: init generation %d: %w", ErrCorrupt, seg.gen, err)
	}
	if info.Timescale == 0 {
		return fmt.Errorf("%w: init generation %d: zero timescale", ErrCorrupt, seg.gen)
	}
	if e.dec.ready() && !e.dec.stale {
		e.dec.drain()
		e.receiveAll()
	}
	e.recent.reset()
	if err := e.dec.open(info.AVCC); err != nil {
		e.haveGen = false
		return fmt.Errorf("%w: generation %d: %w", ErrCorrupt, seg.gen, err)
	}
	e.info, e.gen, e.haveGen, e.ts = info, seg.gen, true, int64(info.Timescale)
	e.needKey = true
	return nil
}

// initFor returns the init segment of a generation, from memory or the
// Archive.
func (e *engine) initFor(gen uint64) ([]byte, error) {
	p := e.p
	if b, ok := p.tl.init(gen); ok {
		return b, nil
	}
	if p.arch == nil {
		return nil, fmt.Errorf("%w: init generation %d", ErrMissing, gen)
	}
	ctx, cancel := context.WithTimeout(p.ctx, fetchTimeout)
	defer cancel()
	b, err := p.arch.Init(ctx, gen)
	if err != nil {
		return nil, fmt.Errorf("%w: init generation %d: %w", ErrFetch, gen, err)
	}
	p.tl.addInit(gen, b, false)
	return b, nil
}

// micros converts a track timestamp of the current segment to Unix
// microseconds of capture time.
func (e *engine) micros(ts int64) int64 {
	return e.segStart.UnixMicro() + (ts-e.pts0)*1_000_000/e.ts
}

// receiveAll delivers every picture the decoder has ready.
func (e *engine) receiveAll() int {
	n := 0
	for {
		ok, err := e.dec.receive()
		if err != nil {
			e.resetDecoder()
			e.needKey = true
			e.p.report(fmt.Errorf("segment %d: %w", e.seq, err), 0)
			return n
		}
		if !ok {
			return n
		}
		n++
		e.deliver()
	}
}

// deliver handles the picture in dec.out: while seeking it only keeps the
// latest one at or before the target; otherwise it is scaled and queued.
func (e *engine) deliver() {
	e.p.countDecoded()
	t := time.UnixMicro(e.dec.out.Pts())
	e.keepRecent(t)
	if e.seeking {
		if !t.After(e.target) {
			if err := e.ring.push(e.dec.out, t, e.seq); err != nil {
				e.p.report(fmt.Errorf("hold picture: %w", err), 0)
			}
			return
		}
		e.flushHeld()
		if !e.resolved {
			return // stepping back further: this picture is not wanted
		}
	}
	e.emit(e.dec.out, t, e.seq)
}

// emit scales src into a pooled frame at the current size and queues it.
// It reports false when a newer command (or Close) came first.
func (e *engine) emit(src *astiav.Frame, t time.Time, seq uint64) bool {
	p := e.p
	p.mu.Lock()
	size := p.size
	p.mu.Unlock()
	f := p.pool.get(size)
	if err := e.dec.scale(src, f.Image); err != nil {
		p.pool.put(f)
		p.report(err, 0)
		return true
	}
	f.Time, f.Seq, f.Generation = t, seq, e.gen
	f.Keyframe = src.KeyFrame()
	f.Source = Size{src.Width(), src.Height()}
	return p.push(e.epoch, f)
}
