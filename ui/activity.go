package ui

import (
	"slices"
	"sort"
	"time"

	"proctor/proto"
)

// Activity is one Sentinel's bytes per second over time, taken from its
// segment list. An H.264 encoder spends bits on what changes, so the rate
// is a motion and screen-change meter that costs no decoding: a candidate
// who moves, a page that scrolls, a window that switches all stand out
// against a still picture. It also keeps where the recording breaks (a new
// encoder generation or a discontinuity) and the keyframes the hover
// thumbnail is decoded from.
type Activity struct {
	Sentinel string
	segs     []proto.Segment // sorted by start
	starts   []int64         // segs[i].Start in Unix nanoseconds
	keys     []int           // indexes of keyframe segments
	breaks   []time.Time
	scale    float64 // bytes per second shown at full height
	loud     float32 // the level that is twice the usual rate
	smooth   int64   // nanoseconds a level is averaged over at least: a GOP
}

// activityScale is the quantile of segment rates drawn at full height: the
// loudest few percent saturate instead of flattening everything else. The
// full height is at least activityHeadroom times the median rate, so a
// steady recording draws at a third of the strip and a burst stands out.
const (
	activityScale    = 0.98
	activityHeadroom = 3
	activityLoud     = 2 // times the median rate that counts as a burst
)

// NewActivity indexes the segments of one Sentinel (in any order).
func NewActivity(sentinel string, segs []proto.Segment) *Activity {
	a := &Activity{Sentinel: sentinel, segs: slices.Clone(segs)}
	sort.SliceStable(a.segs, func(i, j int) bool { return a.segs[i].Start.Before(a.segs[j].Start) })
	a.starts = make([]int64, len(a.segs))
	for i, g := range a.segs {
		a.starts[i] = g.Start.UnixNano()
		if g.Keyframe {
			a.keys = append(a.keys, i)
		}
		if i > 0 && (g.Discontinuity || g.Generation != a.segs[i-1].Generation) {
			a.breaks = append(a.breaks, g.Start)
		}
	}
	// Rates are taken over whole GOPs (a keyframe to the next): a
	// low-latency Sentinel sends a segment per frame, and its keyframes,
	// many times the size of the rest, are no sign of motion.
	var rates []float64
	var gops []int64
	var bytes int64
	var dur time.Duration
	flush := func() {
		if dur > 0 {
			rates = append(rates, float64(bytes)/dur.Seconds())
			gops = append(gops, int64(dur))
		}
		bytes, dur = 0, 0
	}
	for i, g := range a.segs {
		if g.Keyframe || (i > 0 && a.starts[i]-a.starts[i-1] > int64(2*segDuration(a.segs[i-1])+gapTolerance)) {
			flush()
		}
		bytes += g.Size
		dur += segDuration(g)
	}
	flush()
	if len(rates) > 0 {
		slices.Sort(rates)
		slices.Sort(gops)
		a.smooth = gops[len(gops)/2]
		median := rates[len(rates)/2]
		a.scale = max(rates[min(len(rates)-1, int(float64(len(rates))*activityScale))], activityHeadroom*median)
		if a.scale > 0 {
			a.loud = float32(activityLoud * median / a.scale)
		}
	}
	return a
}

// segDuration is a segment's duration, exact when the server sent it.
func segDuration(g proto.Segment) time.Duration {
	if g.DurationUS > 0 {
		return time.Duration(g.DurationUS) * time.Microsecond
	}
	return time.Duration(g.Duration) * time.Millisecond
}

// Len is the number of segments.
func (a *Activity) Len() int { return len(a.segs) }

// Breaks are the times where the recording restarts: a discontinuity or a
// new encoder generation (a resolution change, a reconnect).
func (a *Activity) Breaks() []time.Time { return a.breaks }

// Levels fills out with the activity of n equal bins across [from, to):
// each bin's bytes per second relative to the Sentinel's usual loud rate,
// 0 (nothing recorded) to 1 (at or above it). A segment's bytes spread
// evenly over its duration. The work is a binary search plus one pass
// over the segments in the window, so an 8-hour session costs no more
// than the segments shown.
func (a *Activity) Levels(from, to time.Time, n int, out []float32) []float32 {
	out = slices.Grow(out[:0], n)[:n]
	clear(out)
	span := to.Sub(from)
	if n <= 0 || span <= 0 || a.scale <= 0 {
		return out
	}
	f0, f1 := from.UnixNano(), to.UnixNano()
	binNS := float64(span) / float64(n)
	bytes := make([]float64, n)
	// The first segment that may overlap: segments are short, so start
	// one before the first that begins in the window.
	i := max(0, sort.Search(len(a.starts), func(i int) bool { return a.starts[i] >= f0 })-1)
	for ; i < len(a.segs) && a.starts[i] < f1; i++ {
		g := a.segs[i]
		d := int64(segDuration(g))
		s0, s1 := a.starts[i], a.starts[i]+d
		if d <= 0 || s1 <= f0 {
			continue
		}
		perNS := float64(g.Size) / float64(d)
		lo, hi := max(s0, f0), min(s1, f1)
		for b := int(float64(lo-f0) / binNS); b < n; b++ {
			b0 := f0 + int64(float64(b)*binNS)
			b1 := f0 + int64(float64(b+1)*binNS)
			if b0 >= hi {
				break
			}
			if ov := min(hi, b1) - max(lo, b0); ov > 0 {
				bytes[b] += perNS * float64(ov)
			}
		}
	}
	// Bins shorter than a GOP show the average over the GOP around them.
	if k := int(float64(a.smooth)/binNS + 0.5); k > 1 {
		bytes = boxAverage(bytes, k)
	}
	full := a.scale * binNS / float64(time.Second) // bytes per bin at full height
	for b, v := range bytes {
		out[b] = float32(min(1, v/full))
	}
	return out
}

// boxAverage is v averaged over a window of k bins centred on each (fewer
// at the ends of the window shown, where the rest lies outside it).
func boxAverage(v []float64, k int) []float64 {
	sum := make([]float64, len(v)+1)
	for i, x := range v {
		sum[i+1] = sum[i] + x
	}
	out := make([]float64, len(v))
	for i := range v {
		lo, hi := max(0, i-k/2), min(len(v), i-k/2+k)
		out[i] = (sum[hi] - sum[lo]) / float64(hi-lo)
	}
	return out
}

// Loud is the level from which a bin is a burst against the Sentinel's
// own baseline: twice its median rate.
func (a *Activity) Loud() float32 { return a.loud }

// KeyframeAt is the keyframe segment whose picture is on screen at t: the
// last one starting at or before t, else the first one (t before the
// recording). ok is false when there are no keyframes.
func (a *Activity) KeyframeAt(t time.Time) (seg proto.Segment, ok bool) {
	if len(a.keys) == 0 {
		return proto.Segment{}, false
	}
	ns := t.UnixNano()
	k := sort.Search(len(a.keys), func(k int) bool { return a.starts[a.keys[k]] > ns }) - 1
	return a.segs[a.keys[max(0, k)]], true
}
