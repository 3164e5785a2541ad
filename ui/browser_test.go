package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"proctor/proto"
)

// browserSessions are five sessions, newest first as the server sends
// them; two have markers.
func browserSessions() []proto.Session {
	mk := func(id, state string, start, minutes int, q float64, markers, sentinels int) proto.Session {
		s := proto.Session{ID: id, State: state, Start: at(start * 60), Duration: int64(minutes) * 60_000, Quality: q, Markers: markers,
			Details: map[string]string{"name": "Candidate " + id}}
		for i := 0; i < sentinels; i++ {
			s.Sentinels = append(s.Sentinels, id+"-cam")
		}
		return s
	}
	return []proto.Session{
		mk("exam-10", proto.SessionOpen, 240, 35, 1, 0, 2),
		mk("exam-9", proto.SessionClosed, 180, 120, 0.97, 3, 2),
		mk("exam-2", proto.SessionAbandoned, 120, 12, 0.5, 0, 1),
		mk("exam-1", proto.SessionTruncated, 60, 90, 0.82, 1, 2),
		mk("exam-3", proto.SessionClosed, 0, 60, 1, 0, 2),
	}
}

func newTestBrowser(t *testing.T) (*Browser, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	b := NewBrowser(&fakeArchive{sessions: browserSessions()}, syncRunner)
	w := test.NewTempWindow(t, b.Content)
	w.Resize(fyne.NewSize(1200, 420))
	b.Load()
	return b, w
}

func ids(list []proto.Session) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func TestBrowserTableSortsByColumn(t *testing.T) {
	b, w := newTestBrowser(t)
	cases := []struct {
		col  int
		want []string
	}{
		{ColDuration, []string{"exam-9", "exam-1", "exam-3", "exam-10", "exam-2"}},
		{ColDuration, []string{"exam-2", "exam-10", "exam-3", "exam-1", "exam-9"}}, // again: reversed
		{ColSession, []string{"exam-1", "exam-2", "exam-3", "exam-9", "exam-10"}},
		{ColStart, []string{"exam-10", "exam-9", "exam-2", "exam-1", "exam-3"}},
		{ColState, []string{"exam-2", "exam-9", "exam-3", "exam-10", "exam-1"}},
		{ColQuality, []string{"exam-10", "exam-3", "exam-9", "exam-1", "exam-2"}},
		{ColMarkers, []string{"exam-9", "exam-1", "exam-10", "exam-2", "exam-3"}},
		{ColSentinels, []string{"exam-10", "exam-9", "exam-1", "exam-3", "exam-2"}},
	}
	for _, tc := range cases {
		b.SortBy(tc.col)
		if got := ids(b.Shown()); !equalStrings(got, tc.want) {
			t.Errorf("sorted by %s: %v, want %v", colNames[tc.col], got, tc.want)
		}
	}
	b.SortBy(ColDetails) // not sortable: nothing changes
	if got := ids(b.Shown()); got[0] != "exam-10" {
		t.Errorf("details sort changed the order: %v", got)
	}
	b.SortBy(ColMarkers)
	test.AssertRendersToMarkup(t, "browser_table.xml", w.Canvas())
}

func TestBrowserWithMarkersFilter(t *testing.T) {
	b, w := newTestBrowser(t)
	b.WithMarkers.SetChecked(true)
	if got := ids(b.Shown()); !equalStrings(got, []string{"exam-9", "exam-1"}) {
		t.Errorf("with markers: %v", got)
	}
	if b.Status.Text != "2 of 5 sessions loaded have markers" {
		t.Errorf("status %q", b.Status.Text)
	}
	test.AssertRendersToMarkup(t, "browser_with_markers.xml", w.Canvas())
	b.WithMarkers.SetChecked(false)
	if len(b.Shown()) != 5 {
		t.Errorf("filter off: %v", ids(b.Shown()))
	}
}

func TestBrowserEnterAndDoubleClickOpen(t *testing.T) {
	b, _ := newTestBrowser(t)
	var opened []string
	b.OnOpen = func(s proto.Session) { opened = append(opened, s.ID) }
	b.Table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // nothing picked yet
	b.Table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	b.Table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	b.Table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !equalStrings(opened, []string{"exam-2"}) {
		t.Fatalf("Enter after two rows down opened %v", opened)
	}
	c := findCell(t, b, 3, ColState)
	test.Tap(c) // one click picks, opens nothing
	if len(opened) != 1 || b.cur != 3 {
		t.Fatalf("a click opened %v (row %d picked)", opened, b.cur)
	}
	test.DoubleTap(c)
	b.OpenSelected() // the window's Enter, when the table lost the keyboard
	if !equalStrings(opened, []string{"exam-2", "exam-1", "exam-1"}) {
		t.Errorf("double click and Enter opened %v", opened)
	}
	back := 0
	b.OnBack = func() { back++ }
	b.Table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // the table has the keyboard
	if back != 1 {
		t.Errorf("Esc in the table: %d backs", back)
	}
}

// findCell is the cell showing row, col of the browser's table.
func findCell(t *testing.T, b *Browser, row, col int) *sessionCell {
	t.Helper()
	want := cellText(b.Shown()[row], col)
	var found *sessionCell
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *sessionCell:
			if v.row == row && v.label.Text == want && found == nil {
				found = v
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(b.Table)
	if found == nil {
		t.Fatalf("no cell %d,%d", row, col)
	}
	return found
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The window's Enter opens the session picked in the browser when the
// table does not have the keyboard (a click elsewhere took it).
func TestAppEnterInTheBrowserOpensReview(t *testing.T) {
	a, b := connectTestApp(t, 1)
	b.sessions = browserSessions()
	a.ShowBrowser()
	a.settle()
	br := a.Browser()
	if len(br.Shown()) != 5 {
		t.Fatalf("browser shows %d sessions", len(br.Shown()))
	}
	a.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // nothing picked: stays
	if a.Review() != nil {
		t.Fatal("Enter with nothing picked opened a review")
	}
	test.Tap(findCell(t, br, 1, ColStart))
	a.win.Canvas().Unfocus()
	a.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	a.settle()
	if r := a.Review(); r == nil || r.Session().ID != "exam-9" {
		t.Fatalf("review %v, want exam-9", r)
	}
}
