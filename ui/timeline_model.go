package ui

import (
	"sort"
	"time"

	"proctor/proto"
)

// Range is a recorded stretch of media [From, To).
type Range struct{ From, To time.Time }

// MinZoom is the narrowest time window the timeline zooms to.
const MinZoom = 2 * time.Second

// gapTolerance is how far apart two segments may be and still count as one
// recorded range (jitter between segment times).
const gapTolerance = 500 * time.Millisecond

// RangesOf merges segments (sorted or not) into recorded ranges: a gap is
// a hole longer than gapTolerance or a discontinuity.
func RangesOf(segs []proto.Segment) []Range {
	s := append([]proto.Segment(nil), segs...)
	sort.Slice(s, func(i, j int) bool { return s[i].Start.Before(s[j].Start) })
	var out []Range
	for _, g := range s {
		d := time.Duration(g.DurationUS) * time.Microsecond
		if d == 0 {
			d = time.Duration(g.Duration) * time.Millisecond
		}
		r := Range{g.Start, g.Start.Add(d)}
		if n := len(out); n > 0 && !g.Discontinuity && !r.From.After(out[n-1].To.Add(gapTolerance)) {
			if r.To.After(out[n-1].To) {
				out[n-1].To = r.To
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// TimelineModel maps time to position on a timeline of some width and
// back, and keeps the zoom window inside the session's extent.
type TimelineModel struct {
	Start, End time.Time // the whole session
	From, To   time.Time // the visible window
}

// NewTimelineModel shows the whole span [start, end].
//
// The model keeps wall-clock times only (Round(0) drops the monotonic
// reading of time.Now): compared with the server's times, which have
// none, a mix would follow two clocks that drift apart, and a window
// showing the whole session would stop matching its start by a few
// nanoseconds and turn into a fixed-width window sliding with the end.
func NewTimelineModel(start, end time.Time) TimelineModel {
	start, end = start.Round(0), end.Round(0)
	if !end.After(start) {
		end = start.Add(MinZoom)
	}
	return TimelineModel{Start: start, End: end, From: start, To: end}
}

// Window is the visible duration.
func (m TimelineModel) Window() time.Duration { return m.To.Sub(m.From) }

// X is the position of t on a timeline width units wide.
func (m TimelineModel) X(t time.Time, width float32) float32 {
	w := m.Window()
	if w <= 0 {
		return 0
	}
	return float32(float64(t.Sub(m.From)) / float64(w) * float64(width))
}

// At is the time at position x, clamped to the visible window.
func (m TimelineModel) At(x, width float32) time.Time {
	if width <= 0 {
		return m.From
	}
	f := float64(max(0, min(x, width)) / width)
	return m.From.Add(time.Duration(f * float64(m.Window())))
}

// SetEnd grows the session's extent (a live session). A window showing
// the whole session keeps doing so; one showing the end follows it.
func (m *TimelineModel) SetEnd(end time.Time) {
	end = end.Round(0)
	if !end.After(m.End) {
		return
	}
	following := !m.To.Before(m.End)
	whole := !m.From.After(m.Start) && following
	m.End = end
	if whole {
		m.To = end
		return
	}
	if following {
		w := m.Window()
		m.To = end
		m.From = end.Add(-w)
		m.clamp()
	}
}

// Zoom scales the window by factor (< 1 zooms in) around t, keeping t at
// the same place, between MinZoom and the whole session.
func (m *TimelineModel) Zoom(factor float64, around time.Time) {
	around = around.Round(0)
	w := m.Window()
	nw := time.Duration(float64(w) * factor)
	total := m.End.Sub(m.Start)
	nw = max(MinZoom, min(nw, total))
	if total < MinZoom {
		nw = total
	}
	if w <= 0 {
		m.From, m.To = m.Start, m.End
		return
	}
	frac := float64(around.Sub(m.From)) / float64(w)
	frac = max(0, min(frac, 1))
	m.From = around.Add(-time.Duration(frac * float64(nw)))
	m.To = m.From.Add(nw)
	m.clamp()
}

// ZoomAll shows the whole session.
func (m *TimelineModel) ZoomAll() { m.From, m.To = m.Start, m.End }

// Reveal pans the window so t is visible. A time past the end (the play
// position of a live session, which moves on between SetEnd calls) first
// extends the session, so a window showing all of it keeps doing so.
func (m *TimelineModel) Reveal(t time.Time) {
	t = t.Round(0)
	if t.After(m.End) {
		m.SetEnd(t)
	}
	w := m.Window()
	if t.Before(m.From) {
		m.From, m.To = t, t.Add(w)
	} else if t.After(m.To) {
		m.From, m.To = t.Add(-w), t
	}
	m.clamp()
}

func (m *TimelineModel) clamp() {
	w := m.Window()
	if m.From.Before(m.Start) {
		m.From, m.To = m.Start, m.Start.Add(w)
	}
	if m.To.After(m.End) {
		m.From, m.To = m.End.Add(-w), m.End
	}
	if m.From.Before(m.Start) {
		m.From = m.Start
	}
}
