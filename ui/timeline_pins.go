package ui

import "sort"

// PinLabel places one marker's label: left edge X, and whether it is
// shown. Labels that would run into the one before them are hidden: the
// pin itself stays, and its label shows on zooming in.
type PinLabel struct {
	X    float32
	Show bool
}

// pinLabelGap is the free space kept between two pin labels, in units.
const pinLabelGap = 6

// LayoutPins places the labels of pins at xs (any order) with the given
// label widths on a timeline width units wide: each label starts at its
// pin, is pulled left to stay inside the timeline, and is shown when it
// does not overlap the last shown label. Pins outside [0, width] get no
// label. The result is in the order of xs.
func LayoutPins(xs, widths []float32, width float32) []PinLabel {
	out := make([]PinLabel, len(xs))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return xs[order[a]] < xs[order[b]] })
	end := float32(-1e9)
	for _, i := range order {
		x := xs[i]
		if x < 0 || x > width {
			continue
		}
		lx := max(0, min(x, width-widths[i]))
		out[i].X = lx
		if lx >= end+pinLabelGap {
			out[i].Show = true
			end = lx + widths[i]
		}
	}
	return out
}
