package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Instant replay steps: one key goes back ReplayShort, another ReplayLong.
const (
	ReplayShort = 10 * time.Second
	ReplayLong  = 30 * time.Second
)

// replaySlack is how far before the replay target the picture may land
// (the keyframe at or before it; Sentinels send a keyframe every 2 s).
const replaySlack = 4 * time.Second

// ReplayBar is the row under the focus pictures: back 30 s, back 10 s,
// live, where the picture is, and the layout buttons.
type ReplayBar struct {
	// Content is the container to put in a window.
	Content fyne.CanvasObject
	// OnBack goes back by the given time; OnLive returns to the leading
	// edge; OnSwap and OnPiP change the layout.
	OnBack        func(time.Duration)
	OnLive        func()
	OnSwap, OnPiP func()

	Back10, Back30, Live *widget.Button
	Where                *widget.Label
}

// NewReplayBar returns the bar, showing live.
func NewReplayBar() *ReplayBar {
	b := &ReplayBar{Where: widget.NewLabel("")}
	call := func(fn *func()) func() {
		return func() {
			if *fn != nil {
				(*fn)()
			}
		}
	}
	back := func(d time.Duration) func() {
		return func() {
			if b.OnBack != nil {
				b.OnBack(d)
			}
		}
	}
	b.Back30 = widget.NewButtonWithIcon("30 s (3)", theme.MediaFastRewindIcon(), back(ReplayLong))
	b.Back10 = widget.NewButtonWithIcon("10 s (1)", theme.MediaSkipPreviousIcon(), back(ReplayShort))
	b.Live = widget.NewButtonWithIcon("Live (End)", theme.MediaRecordIcon(), call(&b.OnLive))
	swap := widget.NewButtonWithIcon("Swap (X)", theme.ViewRefreshIcon(), call(&b.OnSwap))
	pip := widget.NewButtonWithIcon("PiP (P)", theme.ViewRestoreIcon(), call(&b.OnPiP))
	b.Content = container.NewHBox(b.Back30, b.Back10, b.Live, b.Where, layoutSpacer(), swap, pip)
	b.SetLive()
	return b
}

// SetLive shows that the picture follows the leading edge.
func (b *ReplayBar) SetLive() {
	setText(b.Where, "● Live")
	b.Live.Importance = widget.LowImportance
	b.Live.Disable()
}

// SetBehind shows a replay: the capture time on screen and how far it is
// behind now.
func (b *ReplayBar) SetBehind(at time.Time, behind time.Duration) {
	setText(b.Where, fmt.Sprintf("Replay %s · %d s behind live", at.Local().Format("15:04:05"), int(behind.Round(time.Second)/time.Second)))
	b.Live.Importance = widget.HighImportance
	b.Live.Enable()
}

// layoutSpacer pushes what follows to the end of an HBox.
func layoutSpacer() fyne.CanvasObject { return widget.NewLabel("") }

// Back goes back d from the picture on screen (from now before the first
// picture), on every Sentinel of the session together: the picture jumps
// back at once and plays on from there.
func (f *Focus) Back(d time.Duration) {
	from := f.position()
	if from.IsZero() {
		from = f.now()
	}
	f.ReplayAt(from.Add(-d))
}

// ReplayAt shows every Sentinel of the session from the keyframe at or
// before t and plays on.
func (f *Focus) ReplayAt(t time.Time) {
	if t.IsZero() {
		return
	}
	for _, fd := range f.feeds {
		fd.Replay(t)
	}
	f.behind, f.seekedAt = t, f.now()
	f.Replay.SetBehind(t, f.now().Sub(t))
}

// GoLive returns every Sentinel of the session to the leading edge.
func (f *Focus) GoLive() {
	for _, fd := range f.feeds {
		fd.GoLive()
	}
	f.behind = time.Time{}
	f.Replay.SetLive()
}

// Replaying reports whether the focus view shows the past.
func (f *Focus) Replaying() bool { return !f.behind.IsZero() }

// position is where the large picture is; see pictureAt.
func (f *Focus) position() time.Time { return f.pictureAt(f.main) }

// pictureAt is the capture time of tile i's picture: the picture's own
// time once it has jumped back to the replay target's keyframe, the target
// plus the time since the jump before that (a jump takes a moment). Zero
// while live before the first picture.
func (f *Focus) pictureAt(i int) time.Time {
	if i < 0 || i >= len(f.feeds) {
		return time.Time{}
	}
	p := f.feeds[i].Position()
	if f.behind.IsZero() {
		return p
	}
	est := f.behind.Add(f.now().Sub(f.seekedAt))
	if p.Before(f.behind.Add(-replaySlack)) || p.After(est.Add(time.Second)) {
		return est
	}
	return p
}

// PictureTime is the capture time of the selected Sentinel's picture on
// screen, live or replaying (zero before its first picture): a proctor
// flags what they see, which trails the wall clock.
func (f *Focus) PictureTime() time.Time { return f.pictureAt(f.sel) }

// showPosition refreshes the replay bar while replaying.
func (f *Focus) showPosition() {
	if f.behind.IsZero() {
		return
	}
	p := f.position()
	f.Replay.SetBehind(p, f.now().Sub(p))
}
