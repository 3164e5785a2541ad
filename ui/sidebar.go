package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// Sidebar lists the live Sentinels grouped by session, with a search
// field, status dots and counts. Use it on the Fyne goroutine.
type Sidebar struct {
	// Content is the container to put in a window.
	Content fyne.CanvasObject
	// Search is the search field; OnSearch is called when it changes.
	Search   *widget.Entry
	OnSearch func(text string)
	// OnSelect is called when a row is chosen: a session header gives the
	// session's first Sentinel.
	OnSelect func(s proto.SentinelInfo)
	// Cue tells a Sentinel's attention cue (nil: none shown).
	Cue func(id string) Cue

	counts *widget.Label
	list   *widget.List
	rows   []sidebarRow
}

// sidebarRow is one line: a session header or a Sentinel.
type sidebarRow struct {
	header bool
	group  Group
	s      proto.SentinelInfo
}

// NewSidebar returns an empty sidebar.
func NewSidebar() *Sidebar {
	sb := &Sidebar{Search: widget.NewEntry(), counts: widget.NewLabel("")}
	sb.Search.SetPlaceHolder("Search sessions, Sentinels, details  (/)")
	sb.Search.OnChanged = func(s string) {
		if sb.OnSearch != nil {
			sb.OnSearch(s)
		}
	}
	sb.list = widget.NewList(
		func() int { return len(sb.rows) },
		func() fyne.CanvasObject {
			dot := canvas.NewCircle(StatusColor(StateOffline))
			dotBox := container.NewGridWrap(fyne.NewSize(10, 10), dot)
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewCenter(dotBox), widget.NewLabel(""), name)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { sb.updateRow(i, o) },
	)
	sb.list.OnSelected = func(i widget.ListItemID) {
		if i < len(sb.rows) && sb.OnSelect != nil {
			r := sb.rows[i]
			if r.header {
				sb.OnSelect(r.group.Sentinels[0])
			} else {
				sb.OnSelect(r.s)
			}
		}
		sb.list.UnselectAll()
		releaseFocus(sb.list) // the keyboard goes back to the grid's shortcuts
	}
	sb.Content = container.NewBorder(container.NewVBox(sb.Search, sb.counts), nil, nil, nil, sb.list)
	sb.SetGroups(nil, 0, 0, 0)
	return sb
}

// SetGroups shows the given groups and the overall counts.
func (sb *Sidebar) SetGroups(gs []Group, live, stalled, offline int) {
	sb.rows = sb.rows[:0]
	for _, g := range gs {
		sb.rows = append(sb.rows, sidebarRow{header: true, group: g})
		for _, s := range g.Sentinels {
			sb.rows = append(sb.rows, sidebarRow{s: s, group: g})
		}
	}
	sb.counts.SetText(fmt.Sprintf("%d sessions · %d live · %d stalled · %d offline", len(gs), live, stalled, offline))
	sb.list.Refresh()
}

// RefreshCues redraws the rows after the attention cues changed.
func (sb *Sidebar) RefreshCues() { sb.list.Refresh() }

func (sb *Sidebar) cue(id string) Cue {
	if sb.Cue == nil {
		return CueNone
	}
	return sb.Cue(id)
}

// Rows is the number of lines (headers and Sentinels), for tests.
func (sb *Sidebar) Rows() int { return len(sb.rows) }

// CountsText is the counts line, for tests.
func (sb *Sidebar) CountsText() string { return sb.counts.Text }

func (sb *Sidebar) updateRow(i int, o fyne.CanvasObject) {
	if i >= len(sb.rows) {
		return
	}
	r := sb.rows[i]
	box := o.(*fyne.Container) // Border: name (centre), dot (left), count or source (right)
	name := box.Objects[0].(*widget.Label)
	dot := box.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
	right := box.Objects[2].(*widget.Label)
	if r.header {
		state := StateOffline
		switch {
		case r.group.Live > 0:
			state = StateLive
		case r.group.Stalled > 0:
			state = StateStalled
		}
		dot.FillColor = StatusColor(state)
		worst := CueNone
		for _, s := range r.group.Sentinels {
			worst = max(worst, sb.cue(s.ID))
		}
		if worst > CueNone {
			dot.FillColor = worst.Color()
		}
		if !name.TextStyle.Bold {
			name.TextStyle = fyne.TextStyle{Bold: true}
			name.Refresh()
		}
		setText(name, r.group.Session+groupName(r.group))
		setText(right, fmt.Sprintf("%d/%d", r.group.Live, len(r.group.Sentinels)))
	} else {
		dot.FillColor = StatusColor(r.s.State)
		if name.TextStyle.Bold {
			name.TextStyle = fyne.TextStyle{}
			name.Refresh()
		}
		setText(name, "   "+r.s.ID)
		if c := sb.cue(r.s.ID); c > CueNone && c < CueStalled {
			dot.FillColor = c.Color()
			setText(right, c.Word())
		} else {
			setText(right, r.s.Source)
		}
	}
	dot.Refresh()
	if right.MinSize().Width != right.Size().Width {
		box.Refresh() // the border layout gives the right label its new width
	}
}

// setText changes a label only when the text differs (a refresh costs a
// text layout).
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// groupName is " · name" when the session's Sentinels carry a name detail.
func groupName(g Group) string {
	if len(g.Sentinels) > 0 {
		if n := g.Sentinels[0].Details["name"]; n != "" {
			return " · " + n
		}
	}
	return ""
}
