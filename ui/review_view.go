package ui

import (
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// build lays out the review screen.
func (r *ReviewScreen) build(open bool) fyne.CanvasObject {
	back := widget.NewButtonWithIcon("Back (Esc)", theme.NavigateBackIcon(), func() {
		if r.OnBack != nil {
			r.OnBack()
		}
	})
	title := widget.NewLabelWithStyle("Review "+r.session.ID, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	flag := widget.NewButtonWithIcon("Flag (M)", theme.WarningIcon(), r.Flag)
	export := widget.NewButtonWithIcon("Export (E)", theme.DownloadIcon(), func() {
		if r.OnExport != nil {
			r.OnExport()
		}
	})
	top := container.NewHBox(back, title, flag, export, r.Status)
	controls := container.NewHBox(
		widget.NewButtonWithIcon("", theme.MediaFastRewindIcon(), func() { r.Jump(-JumpStep) }),
		widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { r.Step(-1) }),
		r.Play,
		widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { r.Step(1) }),
		widget.NewButtonWithIcon("", theme.MediaFastForwardIcon(), func() { r.Jump(JumpStep) }),
		r.Speed,
		widget.NewButtonWithIcon("", theme.ZoomInIcon(), r.Timeline.ZoomIn),
		widget.NewButtonWithIcon("", theme.ZoomOutIcon(), r.Timeline.ZoomOut),
		widget.NewButtonWithIcon("", theme.ZoomFitIcon(), r.Timeline.ZoomAll),
	)
	if open {
		controls.Add(widget.NewButtonWithIcon("Live (L)", theme.MediaRecordIcon(), r.GoLive))
	}
	bottom := container.NewVBox(r.Timeline, controls)
	markers := container.NewBorder(widget.NewLabelWithStyle("Markers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, r.Markers)
	// The timeline spans the window from its left edge, as does the
	// grid, so the hover pictures line up with the pointer.
	split := container.NewHSplit(container.NewStack(r.grid, r.Timeline.HoverPictures()), markers)
	split.Offset = 0.8
	return container.NewBorder(top, bottom, nil, nil, split)
}

// unionRanges merges overlapping ranges of several Sentinels.
func unionRanges(rs []Range) []Range {
	sort.Slice(rs, func(i, j int) bool { return rs[i].From.Before(rs[j].From) })
	var out []Range
	for _, r := range rs {
		if n := len(out); n > 0 && !r.From.After(out[n-1].To.Add(gapTolerance)) {
			if r.To.After(out[n-1].To) {
				out[n-1].To = r.To
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// parseClock reads "15:04:05" on the day of ref (local time).
func parseClock(s string, ref time.Time) (time.Time, error) {
	c, err := time.ParseInLocation("15:04:05", s, time.Local)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := ref.Local().Date()
	return time.Date(y, m, d, c.Hour(), c.Minute(), c.Second(), 0, time.Local), nil
}
