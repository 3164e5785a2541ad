package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// maxEvents is how many attention events the list keeps.
const maxEvents = 200

// EventList is the live list of attention events, newest first
// ("exam-ada-cam froze 09:14:03"); choosing one focuses its session. Use
// it on the Fyne goroutine.
type EventList struct {
	// Content is the container to put in a window.
	Content fyne.CanvasObject
	// OnSelect is called with the event chosen.
	OnSelect func(ev AttentionEvent)

	title  *widget.Label
	list   *widget.List
	events []AttentionEvent // newest first
}

// NewEventList returns an empty event list.
func NewEventList() *EventList {
	e := &EventList{title: widget.NewLabelWithStyle("Events", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	e.list = widget.NewList(
		func() int { return len(e.events) },
		func() fyne.CanvasObject {
			dot := canvas.NewRectangle(CueFrozen.Color())
			bar := container.NewGridWrap(fyne.NewSize(4, 18), dot)
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			// The time on the right, so a long id is cut, never the time.
			return container.NewBorder(nil, nil, container.NewCenter(bar), widget.NewLabel("00:00:00"), l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(e.events) {
				return
			}
			ev := e.events[i]
			box := o.(*fyne.Container)
			setText(box.Objects[0].(*widget.Label), ev.ID+" "+ev.Cue.verb())
			setText(box.Objects[2].(*widget.Label), ev.At.Local().Format("15:04:05"))
			mark := box.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Rectangle)
			mark.FillColor = ev.Cue.Color()
			mark.Refresh()
		},
	)
	e.list.OnSelected = func(i widget.ListItemID) {
		if i < len(e.events) && e.OnSelect != nil {
			e.OnSelect(e.events[i])
		}
		e.list.UnselectAll()
		releaseFocus(e.list)
	}
	e.Content = container.NewBorder(e.title, nil, nil, nil, e.list)
	return e
}

// Add puts events (oldest first, as Attention.Tick returns them) at the
// top of the list.
func (e *EventList) Add(evs []AttentionEvent) {
	if len(evs) == 0 {
		return
	}
	out := make([]AttentionEvent, 0, min(len(evs)+len(e.events), maxEvents))
	for i := len(evs) - 1; i >= 0 && len(out) < maxEvents; i-- {
		out = append(out, evs[i])
	}
	for _, ev := range e.events {
		if len(out) == maxEvents {
			break
		}
		out = append(out, ev)
	}
	e.events = out
	e.list.Refresh()
}

// Events are the events shown, newest first.
func (e *EventList) Events() []AttentionEvent { return e.events }

// Select chooses event i as a click would.
func (e *EventList) Select(i int) { e.list.Select(i) }
