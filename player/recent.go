package player

import (
	"time"
)

// The pictures a paused player decoded last are kept (references to the
// decoder's buffers, maxStepBack of them), so that stepping back within
// them shows a picture at once instead of decoding again from the
// keyframe: with a 2 s GOP at 30 fps that decode takes up to 180 ms a
// step. They must be contiguous in presentation order, the decoder's own
// output since its last reset: pictures in decoding order (no B-frames,
// as the reference Sentinel encodes), none left out by a seek.

// keepRecent records the picture in dec.out among the recent ones while
// paused, from `from` on (a seek keeps only the last pictures before its
// target: holding more keeps more decoder buffers busy).
func (e *engine) keepRecent(t time.Time) {
	if !e.paused || t.Before(e.recentFrom) {
		return
	}
	if err := e.recent.push(e.dec.out, t, e.seq); err != nil {
		e.recent.reset()
	}
}

// resetDecoder drops all decoding state, and with it the recent pictures
// (the next ones will not follow on from them).
func (e *engine) resetDecoder() {
	e.dec.reset()
	e.recent.reset()
}

// stepBackFromRecent serves a paused seek back to a picture among the
// recent ones: it queues that picture, then the newer recent ones (the
// frames a step forward shows next), and leaves the decoder where it was,
// so decoding goes on after the newest. It needs the point decoding
// stopped at (resume) to go on from.
func (e *engine) stepBackFromRecent() bool {
	c, r := e.cmd, &e.recent
	if c.kind != cmdSeek || c.at.IsZero() || !e.paused || e.resume.data == nil || r.n < 2 {
		return false
	}
	// The target must lie before the newest recent picture (else a later
	// picture, not decoded yet, may be the one to show); k is then the
	// newest recent picture at or before it.
	if !r.times[r.index(0)].After(c.at) {
		return false
	}
	k := -1
	for j := 1; j < r.n; j++ {
		if !r.times[r.index(j)].After(c.at) {
			k = j
			break
		}
	}
	if k < 0 || k+c.back >= r.n {
		return false
	}
	e.seeking, e.idle, e.resolved, e.needKey = false, false, true, false
	e.ring.reset()
	for j := k + c.back; j >= 0; j-- {
		i := r.index(j)
		if !e.emit(r.frames[i], r.times[i], r.seqs[i]) {
			break // a newer command
		}
	}
	return true
}
