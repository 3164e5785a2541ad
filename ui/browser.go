package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// BrowserPage is how many sessions one request fetches.
const BrowserPage = 50

// Browser lists live and past sessions in a table, newest first until a
// column header sorts it, filtered by state, dates picked on a calendar,
// text in the details and (among the sessions loaded) those with
// markers, a page at a time. Sessions with markers stand out. Enter or a
// double click opens the row picked.
type Browser struct {
	Content     fyne.CanvasObject
	State       *widget.Select
	Text        *widget.Entry
	From        *widget.DateEntry
	To          *widget.DateEntry
	WithMarkers *widget.Check
	Search      *widget.Button
	More        *widget.Button
	Table       *SessionTable
	Status      *widget.Label

	// OnOpen is called with the chosen session; OnBack leaves the browser.
	OnOpen func(s proto.Session)
	OnBack func()

	archive  Archive
	run      runner
	sessions []proto.Session // as loaded, newest first
	shown    []proto.Session // filtered and sorted: the table's rows
	cursor   string
	sortCol  int // -1: the server's order
	sortDesc bool
	cur      int // the row Enter opens, -1 for none
}

// stateAll is the state filter that shows every state.
const stateAll = "any state"

// NewBrowser returns a browser over archive; call Load to fill it.
func NewBrowser(archive Archive, run runner) *Browser {
	b := &Browser{archive: archive, run: run, Text: widget.NewEntry(), From: widget.NewDateEntry(), To: widget.NewDateEntry(),
		Status: widget.NewLabel(""), sortCol: -1, cur: -1}
	b.State = widget.NewSelect([]string{stateAll, proto.SessionWaiting, proto.SessionOpen, proto.SessionClosed, proto.SessionTruncated, proto.SessionAbandoned}, nil)
	b.State.SetSelected(stateAll)
	b.State.OnChanged = func(string) { b.Load() }
	b.Text.SetPlaceHolder("text in details (name, exam, …)")
	b.Text.OnSubmitted = func(string) { b.Load() }
	b.From.SetPlaceHolder("from (pick a day)")
	b.To.SetPlaceHolder("to (pick a day)")
	b.From.OnChanged = func(*time.Time) { b.Load() }
	b.To.OnChanged = func(*time.Time) { b.Load() }
	b.WithMarkers = widget.NewCheck("with markers", func(bool) { b.refilter() })
	b.Search = widget.NewButtonWithIcon("Search", theme.SearchIcon(), b.Load)
	b.More = widget.NewButton("More", b.loadMore)
	b.More.Disable()
	b.Table = b.newTable()
	back := widget.NewButtonWithIcon("Live (Esc)", theme.NavigateBackIcon(), func() {
		if b.OnBack != nil {
			b.OnBack()
		}
	})
	filters := container.NewGridWithColumns(6, b.State, b.Text, b.From, b.To, b.WithMarkers, b.Search)
	top := container.NewVBox(container.NewHBox(back, widget.NewLabelWithStyle("Sessions", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})), filters)
	b.Content = container.NewBorder(top, container.NewHBox(b.More, b.Status), nil, nil, b.Table)
	return b
}

// Sessions are the sessions loaded, in the server's order.
func (b *Browser) Sessions() []proto.Session { return b.sessions }

// Shown are the table's rows: filtered and sorted.
func (b *Browser) Shown() []proto.Session { return b.shown }

// SortBy sorts the table by column col; the same column again reverses.
func (b *Browser) SortBy(col int) {
	if !sortable(col) {
		return
	}
	if b.sortCol == col {
		b.sortDesc = !b.sortDesc
	} else {
		// Numbers and times read best largest first, names A to Z.
		b.sortCol, b.sortDesc = col, col != ColSession && col != ColState
	}
	b.refilter()
}

// OpenSelected opens the row picked by click, Space or the arrow keys.
func (b *Browser) OpenSelected() { b.openRow(b.cur) }

func (b *Browser) openRow(row int) {
	if row >= 0 && row < len(b.shown) && b.OnOpen != nil {
		b.OnOpen(b.shown[row])
	}
}

// refilter rebuilds the rows from the sessions loaded.
func (b *Browser) refilter() {
	b.shown = b.shown[:0]
	for _, s := range b.sessions {
		if !b.WithMarkers.Checked || s.Markers > 0 {
			b.shown = append(b.shown, s)
		}
	}
	if b.sortCol >= 0 {
		SortSessions(b.shown, b.sortCol, b.sortDesc)
	}
	b.cur = -1
	b.Table.UnselectAll()
	b.Table.Refresh()
	b.showCount()
}

func (b *Browser) showCount() {
	msg := fmt.Sprintf("%d sessions", len(b.sessions))
	if len(b.shown) != len(b.sessions) {
		msg = fmt.Sprintf("%d of %d sessions loaded have markers", len(b.shown), len(b.sessions))
	}
	if b.cursor != "" {
		msg += " (More loads older ones)"
	}
	b.Status.SetText(msg)
}

// Query builds the query from the filter fields.
func (b *Browser) Query() (SessionQuery, error) {
	q := SessionQuery{Text: strings.TrimSpace(b.Text.Text), Limit: BrowserPage}
	if b.State.Selected != stateAll {
		q.State = b.State.Selected
	}
	var err error
	if q.From, err = dayOf(b.From, false); err != nil {
		return q, err
	}
	if q.To, err = dayOf(b.To, true); err != nil {
		return q, err
	}
	return q, nil
}

// Load runs the query from the first page.
func (b *Browser) Load() { b.load("") }

func (b *Browser) loadMore() {
	if b.cursor != "" {
		b.load(b.cursor)
	}
}

func (b *Browser) load(cursor string) {
	q, err := b.Query()
	if err != nil {
		b.Status.SetText(err.Error())
		return
	}
	q.Cursor = cursor
	b.Status.SetText("Loading…")
	b.More.Disable()
	b.run(func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		list, err := b.archive.Sessions(ctx, q)
		return func() {
			if err != nil {
				b.Status.SetText("Could not list sessions: " + err.Error())
				return
			}
			if cursor == "" {
				b.sessions = nil
			}
			b.sessions = append(b.sessions, list.Sessions...)
			b.cursor = list.NextCursor
			if b.cursor != "" {
				b.More.Enable()
			}
			b.refilter()
		}
	})
}

// dayOf is the start (or, with end, the last millisecond) of the local
// day picked in e; the zero time when none is. Text typed that the entry
// did not take as a date may still be YYYY-MM-DD.
func dayOf(e *widget.DateEntry, end bool) (time.Time, error) {
	if e.Date == nil {
		return parseDay(e.Text, end)
	}
	y, m, d := e.Date.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.Local)
	if end {
		day = day.AddDate(0, 0, 1).Add(-time.Millisecond)
	}
	return day, nil
}

// parseDay reads YYYY-MM-DD in local time; end selects the day's end.
func parseDay(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("pick the dates on the calendar (or type YYYY-MM-DD), not %q", s)
	}
	if end {
		d = d.AddDate(0, 0, 1).Add(-time.Millisecond)
	}
	return d, nil
}

func detailsText(d map[string]string) string {
	var parts []string
	for _, k := range []string{"name", "exam", "candidate", "room"} {
		if v := d[k]; v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		for k, v := range d {
			parts = append(parts, k+"="+v)
			if len(parts) == 3 {
				break
			}
		}
	}
	return strings.Join(parts, " ")
}
