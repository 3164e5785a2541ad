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

// Browser lists live and past sessions, newest first, filtered by state,
// date and text in the details, a page at a time.
type Browser struct {
	Content fyne.CanvasObject
	State   *widget.Select
	Text    *widget.Entry
	From    *widget.Entry
	To      *widget.Entry
	Search  *widget.Button
	More    *widget.Button
	List    *widget.List
	Status  *widget.Label

	// OnOpen is called with the chosen session; OnBack leaves the browser.
	OnOpen func(s proto.Session)
	OnBack func()

	archive  Archive
	run      runner
	sessions []proto.Session
	cursor   string
}

// stateAll is the state filter that shows every state.
const stateAll = "any state"

// NewBrowser returns a browser over archive; call Load to fill it.
func NewBrowser(archive Archive, run runner) *Browser {
	b := &Browser{archive: archive, run: run, Text: widget.NewEntry(), From: widget.NewEntry(), To: widget.NewEntry(), Status: widget.NewLabel("")}
	b.State = widget.NewSelect([]string{stateAll, proto.SessionWaiting, proto.SessionOpen, proto.SessionClosed, proto.SessionTruncated, proto.SessionAbandoned}, nil)
	b.State.SetSelected(stateAll)
	b.State.OnChanged = func(string) { b.Load() }
	b.Text.SetPlaceHolder("text in details (name, exam, …)")
	b.Text.OnSubmitted = func(string) { b.Load() }
	b.From.SetPlaceHolder("from YYYY-MM-DD")
	b.To.SetPlaceHolder("to YYYY-MM-DD")
	b.Search = widget.NewButtonWithIcon("Search", theme.SearchIcon(), b.Load)
	b.More = widget.NewButton("More", b.loadMore)
	b.More.Disable()
	b.List = widget.NewList(func() int { return len(b.sessions) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(""), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			s := b.sessions[i]
			row := o.(*fyne.Container).Objects
			row[0].(*widget.Label).SetText(s.ID)
			row[1].(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s · %d Sentinels · %.0f%% · %d markers",
				s.State, s.Start.Local().Format("2006-01-02 15:04"), time.Duration(s.Duration)*time.Millisecond/time.Second*time.Second, len(s.Sentinels), s.Quality*100, s.Markers))
			row[2].(*widget.Label).SetText(detailsText(s.Details))
		})
	b.List.OnSelected = func(i widget.ListItemID) {
		b.List.UnselectAll()
		if i < len(b.sessions) && b.OnOpen != nil {
			b.OnOpen(b.sessions[i])
		}
	}
	back := widget.NewButtonWithIcon("Live (Esc)", theme.NavigateBackIcon(), func() {
		if b.OnBack != nil {
			b.OnBack()
		}
	})
	filters := container.NewGridWithColumns(5, b.State, b.Text, b.From, b.To, b.Search)
	top := container.NewVBox(container.NewHBox(back, widget.NewLabelWithStyle("Sessions", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})), filters)
	b.Content = container.NewBorder(top, container.NewHBox(b.More, b.Status), nil, nil, b.List)
	return b
}

// Sessions are the sessions listed.
func (b *Browser) Sessions() []proto.Session { return b.sessions }

// Query builds the query from the filter fields.
func (b *Browser) Query() (SessionQuery, error) {
	q := SessionQuery{Text: strings.TrimSpace(b.Text.Text), Limit: BrowserPage}
	if b.State.Selected != stateAll {
		q.State = b.State.Selected
	}
	var err error
	if q.From, err = parseDay(b.From.Text, false); err != nil {
		return q, err
	}
	if q.To, err = parseDay(b.To.Text, true); err != nil {
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
			b.Status.SetText(fmt.Sprintf("%d sessions", len(b.sessions)))
			b.List.Refresh()
		}
	})
}

// parseDay reads YYYY-MM-DD in local time; end selects the day's end.
func parseDay(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("dates are YYYY-MM-DD, not %q", s)
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
