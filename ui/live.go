package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// LiveScreen is the main screen once connected: the sidebar of Sentinels,
// a toolbar and the grid, or a focused session in its place.
type LiveScreen struct {
	Content fyne.CanvasObject
	Grid    *Grid
	Sidebar *Sidebar
	// Events is the list of attention events beside the grid.
	Events *EventList
	// Attention computes the cues of the live feeds.
	Attention *Attention
	// Focus is the focused session (nil on the grid).
	Focus *Focus

	app     *App
	backend Backend
	roster  *Roster
	filter  string
	recon   bool
	order   string
	cues    map[string]Cue // as last shown
	// attnForm is the thresholds form last opened (tests drive it).
	attnForm *AttentionForm
	own      ownMarkers // markers this app is saving: no cue for them

	status    *widget.Label
	page      *widget.Label
	layoutSel *widget.Select
	orderSel  *widget.Select
	stats     *widget.Check
	center    *fyne.Container
	gridView  fyne.CanvasObject
}

// NewLiveScreen builds the live screen for a backend.
func NewLiveScreen(a *App, b Backend) *LiveScreen {
	l := &LiveScreen{app: a, backend: b, roster: NewRoster(), status: widget.NewLabel("Connected"), page: widget.NewLabel("")}
	l.Grid = NewGrid(b)
	l.Sidebar = NewSidebar()
	l.Sidebar.OnSearch = func(s string) { l.filter = s; l.refresh() }
	l.Sidebar.OnSelect = func(s proto.SentinelInfo) { l.OpenFocus(s.Session) }
	l.Grid.OnOpen = func(s proto.SentinelInfo) { l.OpenFocus(s.Session) }
	l.Grid.OnPage = func(p, n int) { l.page.SetText(fmt.Sprintf("Page %d / %d", p+1, n)) }
	l.Attention = NewAttention(loadAttentionPrefs(a.fa.Preferences()))
	l.cues = map[string]Cue{}
	l.Grid.SetAttention(l.Attention, a.cfg.Now)
	l.Sidebar.Cue = l.Attention.Cue
	l.Events = NewEventList()
	l.Events.OnSelect = func(ev AttentionEvent) {
		if s, ok := l.roster.Get(ev.ID); ok {
			l.OpenFocus(s.Session)
		}
	}

	names := make([]string, len(GridModes))
	for i, m := range GridModes {
		names[i] = GridModeName(m)
	}
	prefs := a.fa.Preferences()
	l.layoutSel = widget.NewSelect(names, func(s string) {
		for _, m := range GridModes {
			if GridModeName(m) == s {
				l.Grid.SetMode(m)
				prefs.SetInt(prefGridMode, m)
			}
		}
	})
	l.stats = widget.NewCheck("Stats", func(on bool) {
		l.Grid.SetShowStats(on)
		if l.Focus != nil {
			l.Focus.SetShowStats(on)
		}
		prefs.SetBool(prefShowStats, on)
	})
	l.order = OrderByName
	l.orderSel = widget.NewSelect(GridOrders, func(s string) {
		l.order = s
		prefs.SetString(prefGridOrder, s)
		l.refresh()
	})
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { l.Grid.SetPage(l.Grid.Page() - 1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { l.Grid.SetPage(l.Grid.Page() + 1) })
	sessions := widget.NewButtonWithIcon("Sessions", theme.HistoryIcon(), a.ShowBrowser)
	help := widget.NewButtonWithIcon("", theme.HelpIcon(), a.ShowHelp)
	cues := widget.NewButtonWithIcon("", theme.SettingsIcon(), a.ShowAttentionPrefs)
	full := widget.NewButtonWithIcon("", theme.ViewFullScreenIcon(), a.ToggleFullScreen)
	// The status takes the rest of the row and is cut to fit, so a long
	// server address never widens the grid side past the sidebar.
	l.status.Truncation = fyne.TextTruncateEllipsis
	controls := container.NewHBox(widget.NewLabel("Layout"), l.layoutSel, l.orderSel, prev, l.page, next, l.stats,
		sessions, cues, help, full)
	toolbar := container.NewBorder(nil, nil, controls, nil, l.status)
	l.gridView = container.NewBorder(toolbar, nil, nil, nil, l.Grid.Content)
	l.center = container.NewStack(l.gridView)
	side := container.NewVSplit(l.Sidebar.Content, l.Events.Content)
	side.Offset = 0.7
	split := container.NewHSplit(side, l.center)
	split.Offset = 0.22 // the event list's lines fit
	l.Content = split

	l.layoutSel.SetSelected(GridModeName(prefs.IntWithFallback(prefGridMode, 0)))
	l.stats.SetChecked(prefs.BoolWithFallback(prefShowStats, false))
	l.orderSel.SetSelected(prefs.StringWithFallback(prefGridOrder, OrderByName))
	return l
}

// Roster is the live list of Sentinels.
func (l *LiveScreen) Roster() *Roster { return l.roster }

// ToggleStats shows or hides the stats lines.
func (l *LiveScreen) ToggleStats() { l.stats.SetChecked(!l.stats.Checked) }

// CycleLayout picks the next grid layout.
func (l *LiveScreen) CycleLayout() {
	l.layoutSel.SetSelected(GridModeName((l.Grid.Mode() + 1) % len(GridModes)))
}

// Event applies one backend event.
func (l *LiveScreen) Event(ev any) {
	switch e := ev.(type) {
	case ConnState:
		l.recon = !e.Connected
		switch {
		case e.Connected:
			l.status.SetText("Connected to " + l.app.server)
		case e.Err != nil:
			l.status.SetText("Reconnecting… (" + e.Err.Error() + ")")
		default:
			l.status.SetText("Reconnecting…")
		}
		l.Grid.SetReconnecting(l.recon)
		if l.Focus != nil {
			l.Focus.Update(l.roster, l.recon)
		}
	case *proto.MarkerEvent:
		l.status.SetText(fmt.Sprintf("Marker %q on %s", e.Label, e.Sentinel))
		if !l.own.take(e.Marker, l.app.cfg.Now()) {
			l.Attention.Marker(e.Sentinel, l.app.cfg.Now())
		}
		if l.Focus != nil && e.Session == l.Focus.Session {
			l.Focus.Panel.AddMarker(e.Marker)
		}
		l.applyCues()
	default:
		if l.roster.Apply(ev) {
			l.refresh()
		}
	}
}

func (l *LiveScreen) refresh() {
	now := l.app.cfg.Now()
	for id := range l.cues {
		if _, ok := l.roster.Get(id); !ok {
			l.Attention.Forget(id)
			delete(l.cues, id)
		}
	}
	for _, s := range l.roster.List("") {
		l.Attention.SetSentinel(s.ID, s.State, s.Source, now)
		l.cues[s.ID] = l.Attention.Cue(s.ID)
	}
	l.Events.Add(l.Attention.Tick(now))
	list := l.roster.List(l.filter)
	if l.order == OrderAttention {
		AttentionFirst(list, l.Attention.Cue)
	}
	l.Grid.SetSentinels(list)
	live, stalled, offline := l.roster.Counts()
	l.Sidebar.SetGroups(l.roster.Groups(l.filter), live, stalled, offline)
	if l.Focus != nil {
		l.Focus.Update(l.roster, l.recon)
	}
}

// OpenFocus shows all Sentinels of a session large, at the full rate.
func (l *LiveScreen) OpenFocus(session string) {
	ss := l.roster.Session(session)
	if len(ss) == 0 {
		return
	}
	l.CloseFocus()
	l.Grid.Suspend()
	l.Focus = NewFocus(l.backend, session, ss, l.stats.Checked, l.app.cfg.Now)
	l.Focus.SetAttention(l.Attention)
	l.Focus.RefreshCues(l.Attention)
	l.loadMarkers(l.Focus)
	back := widget.NewButtonWithIcon("Grid (Esc)", theme.NavigateBackIcon(), l.CloseFocus)
	flag := widget.NewButtonWithIcon("Flag (M)", theme.WarningIcon(), l.FlagSelected)
	review := widget.NewButtonWithIcon("Review", theme.MediaPlayIcon(), func() { l.app.OpenReview(session) })
	title := widget.NewLabelWithStyle("Session "+session, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bar := container.NewHBox(back, title, flag, review)
	l.center.Objects = []fyne.CanvasObject{container.NewBorder(bar, nil, nil, nil, l.Focus.Content)}
	l.center.Refresh()
}

// loadMarkers fetches the focused session's markers for its panel.
func (l *LiveScreen) loadMarkers(f *Focus) {
	if l.backend == nil {
		return
	}
	a := l.app
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		ctx, cancel := context.WithTimeout(a.ctx, 10*time.Second)
		defer cancel()
		ms, err := l.backend.Markers(ctx, f.Session)
		fyne.Do(func() {
			if err != nil || l.Focus != f {
				return
			}
			for _, m := range ms {
				f.Panel.AddMarker(m)
			}
		})
	}()
}

// CloseFocus returns to the grid and withdraws the focus requests.
func (l *LiveScreen) CloseFocus() {
	if l.Focus == nil {
		return
	}
	l.Focus.Close()
	l.Focus = nil
	l.center.Objects = []fyne.CanvasObject{l.gridView}
	l.center.Refresh()
	l.Grid.Resume()
}

// FlagSelected opens the marker dialog for the selected tile.
func (l *LiveScreen) FlagSelected() {
	var id string
	var at time.Time // the picture's time: what the proctor flags
	if l.Focus != nil {
		id, at = l.Focus.Selected(), l.Focus.PictureTime()
	} else if ts := l.Grid.Tiles(); len(ts) > 0 {
		id = ts[l.Grid.Selected()].ID()
		at = l.Grid.PictureTime(id)
	}
	s, ok := l.roster.Get(id)
	if !ok {
		return
	}
	if at.IsZero() {
		at = l.app.cfg.Now() // no picture yet
	}
	l.app.FlagMarker(s.Session, s.ID, at)
}

// Pump swaps in new frames of the visible tiles; once a second
// (withStats) it also re-judges the attention cues.
func (l *LiveScreen) Pump(withStats bool) {
	if l.Focus != nil {
		l.Focus.Pump(withStats)
	} else {
		l.Grid.Pump(withStats)
	}
	if withStats {
		l.applyCues()
	}
}

// applyCues runs the attention analysis' clock, lists its new events and,
// when a cue changed, shows it on the tiles and in the sidebar (and puts
// the feed in its place in "needs attention first" order).
func (l *LiveScreen) applyCues() {
	l.Events.Add(l.Attention.Tick(l.app.cfg.Now()))
	changed := false
	for id, c := range l.cues {
		if n := l.Attention.Cue(id); n != c {
			l.cues[id] = n
			changed = true
		}
	}
	if !changed {
		return
	}
	if l.order == OrderAttention {
		l.refresh()
	} else {
		l.Grid.RefreshCues()
		l.Sidebar.RefreshCues()
	}
	if l.Focus != nil {
		l.Focus.RefreshCues(l.Attention)
	}
}

// Resume subscribes the visible tiles again (coming back from review).
func (l *LiveScreen) Resume() {
	if l.Focus == nil {
		l.Grid.Resume()
	}
}

// Suspend drops every live feed (review is shown).
func (l *LiveScreen) Suspend() {
	l.CloseFocus()
	l.Grid.Suspend()
}

// Close drops every feed.
func (l *LiveScreen) Close() {
	l.CloseFocus()
	l.Grid.Close()
}

// FlagMarker opens the marker dialog for one Sentinel at t and saves the
// marker on the server; onSaved (may be nil) gets the stored marker.
func (a *App) FlagMarker(session, sentinel string, t time.Time) {
	a.flagMarker(session, sentinel, t, nil)
}
