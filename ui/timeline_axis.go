package ui

import "time"

// Tick is one mark on the timeline's time axis. Major ticks carry a label.
type Tick struct {
	Time  time.Time
	X     float32
	Major bool
	Label string
}

// axisSteps are the tick spacings the axis chooses from: round numbers a
// person reads a clock in, from a second to a day.
var axisSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// minorGap is the closest two unlabelled ticks may be, in units.
const minorGap = 12

// labelGap is the free space kept between two axis labels, in units.
const labelGap = 12

// AxisSteps picks the labelled (major) and unlabelled (minor) tick spacing
// for a window of the model shown width units wide, when a label is
// labelWidth units wide: the smallest step whose labels do not overlap,
// and the finest smaller step that divides it and keeps ticks minorGap
// apart (0 when there is none).
func AxisSteps(window time.Duration, width, labelWidth float32) (major, minor time.Duration) {
	if window <= 0 || width <= 0 {
		return 0, 0
	}
	perUnit := float64(window) / float64(width) // duration per unit
	major = axisSteps[len(axisSteps)-1]
	for _, s := range axisSteps {
		if float64(s)/perUnit >= float64(labelWidth+labelGap) {
			major = s
			break
		}
	}
	for _, s := range axisSteps {
		if s >= major {
			break
		}
		if major%s == 0 && float64(s)/perUnit >= minorGap {
			minor = s
			break
		}
	}
	return major, minor
}

// AxisTicks lays out the ticks of the model's visible window on a
// timeline width units wide. Ticks fall on round local clock times
// (09:15:00, not 09:14:37), so the labels read as a clock; label widths
// come from the caller (it measures text, this stays plain Go).
func AxisTicks(m TimelineModel, width, labelWidth float32) []Tick {
	major, minor := AxisSteps(m.Window(), width, labelWidth)
	if major == 0 {
		return nil
	}
	step := major
	if minor > 0 {
		step = minor
	}
	var out []Tick
	for t := alignUp(m.From, step); !t.After(m.To); t = t.Add(step) {
		tk := Tick{Time: t, X: m.X(t, width)}
		if onStep(t, major) {
			tk.Major = true
			tk.Label = axisLabel(t, major)
		}
		out = append(out, tk)
	}
	return out
}

// axisLabel formats a major tick with the precision its step needs.
func axisLabel(t time.Time, step time.Duration) string {
	t = t.Local()
	switch {
	case step >= 24*time.Hour:
		return t.Format("Jan 2")
	case step < time.Minute:
		return t.Format("15:04:05")
	}
	if t.Hour() == 0 && t.Minute() == 0 {
		return t.Format("Jan 2")
	}
	return t.Format("15:04")
}

// localOffset is t's offset from UTC in its local zone.
func localOffset(t time.Time) time.Duration {
	_, off := t.Local().Zone()
	return time.Duration(off) * time.Second
}

// alignUp is the first time at or after t that is a whole multiple of step
// on the local clock.
func alignUp(t time.Time, step time.Duration) time.Time {
	off := localOffset(t)
	lt := t.Add(off)
	a := lt.Truncate(step)
	if a.Before(lt) {
		a = a.Add(step)
	}
	return a.Add(-off)
}

// onStep reports whether t is a whole multiple of step on the local clock.
func onStep(t time.Time, step time.Duration) bool {
	lt := t.Add(localOffset(t))
	return lt.Truncate(step).Equal(lt)
}
