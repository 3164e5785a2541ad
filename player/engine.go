package player

import (
	"fmt"
	"time"

	"proctor/proto"
)

// pollInterval is how often a waiting engine retries when only polling
// can bring news (history of a session still being recorded).
const pollInterval = time.Second

// engine is the decode loop's state, owned by the engine goroutine.
type engine struct {
	p     *Player
	dec   *decoder
	timer *time.Timer

	info    proto.InitInfo
	gen     uint64
	haveGen bool
	samples []proto.Sample

	epoch     uint64
	cmd       command
	resolved  bool   // cmd has found its first segment
	cur       uint64 // next segment to decode
	needKey   bool   // skip samples until a sync sample
	idle      bool   // preview shown: nothing to do until the next command
	keyOnly   bool   // keyframe-only mode as of the last sample
	mixedGOPs bool   // a live segment without a keyframe was seen
	lastList  time.Time
	listEnd   time.Time

	// seeking: keep the newest pictures at or before target in ring and
	// show the one back frames before the newest.
	seeking bool
	target  time.Time
	back    int
	ring    heldRing

	// resume is where decoding stopped inside a segment when the command
	// changed; a seek forward within reach continues from there.
	resume resumePoint

	// recent keeps the last pictures decoded while paused, from
	// recentFrom on, for steps back (see recent.go); paused is the
	// player's mode as of the current command.
	recent     heldRing
	recentFrom time.Time
	paused     bool

	// Timestamp anchor of the segment being decoded.
	segStart time.Time
	pts0     int64
	ts       int64
	seq      uint64
}

// runEngine is the engine goroutine.
func (p *Player) runEngine() {
	defer p.wg.Done()
	dec, err := newDecoder()
	if err != nil {
		p.report(err, 0)
		return
	}
	defer dec.close()
	e := &engine{p: p, dec: dec, epoch: ^uint64(0), timer: time.NewTimer(time.Hour)}
	defer e.ring.free()
	defer e.recent.free()
	e.timer.Stop()
	for p.ctx.Err() == nil {
		e.sync()
		if !e.step() {
			e.wait()
		}
	}
}

// sync picks up a new command.
func (e *engine) sync() {
	if e.p.epochA.Load() == e.epoch && e.epoch != ^uint64(0) {
		return
	}
	e.p.mu.Lock()
	e.epoch, e.cmd = e.p.epoch, e.p.cmd
	e.paused = e.p.mode == ModePaused
	e.p.mu.Unlock()
	if e.continueSeek() || e.stepBackFromRecent() {
		return
	}
	e.resume = resumePoint{}
	e.resetDecoder()
	e.needKey, e.seeking, e.idle, e.resolved = true, false, false, false
	e.ring.reset()
}

// wait blocks until something may have changed.
func (e *engine) wait() {
	var poll <-chan time.Time
	if !e.resolved || e.p.live == nil {
		e.timer.Reset(pollInterval)
		poll = e.timer.C
	}
	select {
	case <-e.p.kick:
	case <-e.p.ctx.Done():
	case <-poll:
	}
	if poll != nil {
		e.timer.Stop()
	}
}

// resolve finds where the current command starts.
func (e *engine) resolve() bool {
	tl := e.p.tl
	var s segment
	var ok bool
	switch e.cmd.kind {
	case cmdLive:
		s, ok = tl.newestKey()
		// With segments shorter than a GOP, start at the newest one:
		// decode from its keyframe and show nothing older (like a seek).
		if n, nok := tl.newest(); ok && nok && n.seq > s.seq {
			e.seeking, e.target, e.back = true, n.start, 0
		}
	default:
		if first, _ := tl.bounds(); e.p.arch != nil && (first.IsZero() || !e.cmd.at.After(first)) {
			e.refreshList(true)
		}
		s, ok = tl.keyAtOrBefore(e.cmd.at)
		if ok && e.cmd.kind == cmdPreview {
			// The nearest keyframe, before or after.
			if n, nok := tl.next(s.seq, true); nok && n.start.Sub(e.cmd.at) < e.cmd.at.Sub(s.start) {
				s = n
			}
		}
		if ok && e.cmd.kind == cmdSeek && !e.cmd.at.IsZero() {
			e.seeking, e.target, e.back = true, e.cmd.at, min(e.cmd.back, maxStepBack-1)
		}
	}
	if !ok {
		if e.cmd.kind != cmdLive {
			e.refreshList(false)
		}
		return false
	}
	if e.seeking {
		e.ring.setSize(e.back + 1)
	}
	e.cur, e.resolved = s.seq, true
	return true
}

// step decodes one segment; false means there was nothing to do.
func (e *engine) step() bool {
	if !e.resolved && !e.resolve() {
		return false
	}
	if e.idle {
		return false
	}
	if r := e.resume; r.data != nil {
		e.resume = resumePoint{}
		e.decodeSegment(r.seg, r.data, r.next)
		return true
	}
	p := e.p
	seg, ok := p.tl.find(e.cur)
	if !ok {
		return e.missing()
	}
	if e.p.currentMode() == ModeLive && e.lagging(seg) {
		return true
	}
	if e.overtaken(seg.seq) {
		return true
	}
	data := seg.data
	if data == nil && p.cache != nil {
		p.cache.get(seg.seq) // fetched while the init segment is, if needed
	}
	if err := e.ensureGeneration(seg); err != nil {
		e.skip(seg.seq, err)
		return true
	}
	if data == nil {
		var done bool
		data, done = e.fetch(seg)
		if !done {
			return true // command changed, or the segment was skipped
		}
	} else if !seg.live {
		p.countSegment(len(data))
	}
	e.prefetch(seg.seq)
	e.decodeSegment(seg, data, 0)
	return true
}

// missing handles a cursor that is not on the timeline: skip forward to
// the next keyframe when something later exists, else wait at the end.
func (e *engine) missing() bool {
	tl := e.p.tl
	if last, ok := tl.lastSeq(); ok && last > e.cur {
		if k, ok := tl.next(e.cur, true); ok {
			if e.p.live == nil {
				e.p.report(fmt.Errorf("%w: segments %d..%d not stored", ErrGap, e.cur, k.seq-1), k.seq-e.cur)
			}
			e.cur, e.needKey = k.seq, true
			return true
		}
		return false
	}
	if e.p.live == nil {
		if e.refreshList(false) {
			if _, ok := tl.find(e.cur); ok {
				return true
			}
		}
	}
	e.endOfData()
	return !e.resolved // a step back goes on from an earlier keyframe
}

// lagging restarts live play at the newest keyframe when decoding fell
// too far behind the leading edge.
func (e *engine) lagging(seg segment) bool {
	k, ok := e.p.tl.newestKey()
	limit := 3 * max(seg.dur, time.Second)
	if !ok || k.seq <= seg.seq || k.start.Sub(seg.start) <= limit {
		return false
	}
	p := e.p
	p.mu.Lock()
	if p.mode == ModeLive && p.epoch == e.epoch {
		p.restartLocked(ModeLive, command{kind: cmdLive})
	}
	p.mu.Unlock()
	p.log.Info("live playback fell behind; jumping to the newest keyframe", "from", seg.seq, "to", k.seq)
	return true
}

// skip reports err and moves the cursor past seq to the next keyframe.
func (e *engine) skip(seq uint64, err error) {
	gaps := uint64(1)
	e.cur, e.needKey = seq+1, true
	if k, ok := e.p.tl.next(seq, true); ok {
		gaps, e.cur = k.seq-seq, k.seq
	}
	// Pictures still held for reordering belong to good segments.
	if e.dec.ready() && !e.dec.stale {
		e.dec.drain()
		e.receiveAll()
	}
	e.resetDecoder()
	e.p.report(err, gaps, "seq", seq)
}

// endOfData flushes what the decoder still holds when no segment follows:
// a history decoder is drained (delayed pictures come out), and a picture
// held by a seek is shown.
func (e *engine) endOfData() {
	if e.p.live == nil && e.dec.ready() && !e.dec.stale {
		e.dec.drain()
		e.receiveAll()
		e.needKey = true
	}
	e.flushHeld()
}

func (p *Player) currentMode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode
}
