package player

import "time"

// resumePoint is where decoding stopped inside a segment when a command
// arrived: the next sample to send and its presentation time.
type resumePoint struct {
	seg  segment
	data []byte // nil: nothing to resume
	next int
	at   time.Time
}

// stopAt records where decoding of seg stopped (sample i is the next to
// send) when the decoder's state is one a forward seek may continue from:
// every picture sent so far is complete, and samples come in presentation
// order (no B-frames, as the reference Sentinel encodes), so no picture at
// or after the next sample has left the decoder yet.
func (e *engine) stopAt(seg segment, data []byte, i int) {
	e.resume = resumePoint{}
	if e.needKey || e.keyOnly || e.cmd.kind == cmdPreview || !e.dec.ready() || e.dec.stale || !e.resolved {
		return
	}
	prev := int64(-1 << 62)
	for _, s := range e.samples {
		pts := s.DTS + int64(s.CTO)
		if pts <= prev {
			return // reordered pictures
		}
		prev = pts
	}
	s := e.samples[i]
	e.resume = resumePoint{seg: seg, data: data, next: i, at: time.UnixMicro(e.micros(s.DTS + int64(s.CTO)))}
}

// continueSeek keeps the decoder's state for a seek forward within reach:
// the target is at or after the next picture to decode and no keyframe
// lies between, so decoding goes on from there instead of starting again
// at the keyframe (a seek a few seconds ahead within the GOP, scrubbing
// forward, playing from a paused frame).
func (e *engine) continueSeek() bool {
	r := e.resume
	c := e.cmd
	if r.data == nil || c.kind != cmdSeek || c.back != 0 || c.at.IsZero() || c.at.Before(r.at) {
		return false
	}
	if e.p.keyA.Load() || e.p.currentMode() == ModeLive {
		return false
	}
	k, ok := e.p.tl.keyAtOrBefore(c.at)
	if !ok || k.seq > r.seg.seq {
		return false // a later keyframe is nearer to the target
	}
	e.seeking, e.target, e.back = true, c.at, 0
	e.ring.setSize(1)
	e.idle, e.resolved, e.cur = false, true, r.seg.seq
	return true
}
