package player

import (
	"time"

	"github.com/asticode/go-astiav"
)

// maxStepBack bounds how many frames steps back may accumulate before one
// is shown (a held arrow key).
const maxStepBack = 16

// heldRing keeps references to the newest decoded pictures at or before a
// seek target, so the frame at or before it, or a few frames earlier for
// accumulated steps back, can be shown without decoding twice.
type heldRing struct {
	frames [maxStepBack]*astiav.Frame // allocated on first use
	times  [maxStepBack]time.Time
	seqs   [maxStepBack]uint64
	size   int // slots in use: the pictures the seek needs (0: all)
	head   int // next slot
	n      int // pictures held
}

// setSize empties the ring and keeps only the newest k pictures from now
// on. A seek holds just what it may show: holding more keeps more of the
// decoder's picture buffers busy, so each new picture is written to
// memory that has left the CPU cache.
func (r *heldRing) setSize(k int) {
	r.reset()
	r.size = max(1, min(k, maxStepBack))
}

func (r *heldRing) slots() int {
	if r.size == 0 {
		return maxStepBack
	}
	return r.size
}

func (r *heldRing) push(src *astiav.Frame, t time.Time, seq uint64) error {
	f := r.frames[r.head]
	if f == nil {
		f = astiav.AllocFrame()
		r.frames[r.head] = f
	}
	f.Unref()
	if err := f.Ref(src); err != nil {
		return err
	}
	r.times[r.head], r.seqs[r.head] = t, seq
	r.head = (r.head + 1) % r.slots()
	r.n = min(r.n+1, r.slots())
	return nil
}

// index returns the slot of the k-th newest picture (0: the newest).
func (r *heldRing) index(k int) int {
	return (r.head - 1 - k + 2*r.slots()) % r.slots()
}

func (r *heldRing) reset() {
	for _, f := range r.frames {
		if f != nil {
			f.Unref()
		}
	}
	r.head, r.n = 0, 0
}

func (r *heldRing) free() {
	for i, f := range r.frames {
		if f != nil {
			f.Free()
			r.frames[i] = nil
		}
	}
	r.head, r.n = 0, 0
}

// flushHeld ends a seek: the picture `back` frames before the one at or
// before the target is queued, followed by the newer pictures held. When
// this GOP does not reach back that far, the seek continues from the
// previous keyframe (resolved is cleared).
func (e *engine) flushHeld() {
	if !e.seeking {
		return
	}
	e.seeking = false
	r := &e.ring
	if r.n == 0 {
		return
	}
	if r.n > e.back {
		// The picture to show, then the newer ones held with it: they
		// are the next frames a step forward shows.
		for k := e.back; k >= 0; k-- {
			i := r.index(k)
			e.emit(r.frames[i], r.times[i], r.seqs[i])
		}
		r.reset()
		return
	}
	oldest := r.index(r.n - 1)
	e.cmd.at = r.times[oldest].Add(-time.Microsecond)
	e.cmd.back = e.back - r.n
	r.reset()
	e.resolved = false
	e.resetDecoder()
	e.needKey = true
}
