package ui

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// Columns of the session table.
const (
	ColSession = iota
	ColStart
	ColDuration
	ColState
	ColQuality
	ColMarkers
	ColSentinels
	ColDetails
	numCols
)

var colNames = [numCols]string{"Session", "Start", "Duration", "State", "Quality", "Markers", "Sentinels", "Details"}
var colWidths = [numCols]float32{170, 170, 90, 95, 75, 85, 90, 320}

// sortable reports whether a column sorts when its header is clicked.
func sortable(col int) bool { return col >= ColSession && col < ColDetails }

// SortSessions orders list in place by column col, ascending or not;
// ties keep the server's order (newest first).
func SortSessions(list []proto.Session, col int, desc bool) {
	by := func(a, b proto.Session) int {
		switch col {
		case ColSession:
			return compareSessionIDs(a.ID, b.ID)
		case ColStart:
			return a.Start.Compare(b.Start)
		case ColDuration:
			return cmp.Compare(a.Duration, b.Duration)
		case ColState:
			return strings.Compare(a.State, b.State)
		case ColQuality:
			return cmp.Compare(a.Quality, b.Quality)
		case ColMarkers:
			return cmp.Compare(a.Markers, b.Markers)
		case ColSentinels:
			return cmp.Compare(len(a.Sentinels), len(b.Sentinels))
		}
		return 0
	}
	slices.SortStableFunc(list, func(a, b proto.Session) int {
		if desc {
			return by(b, a)
		}
		return by(a, b)
	})
}

// compareSessionIDs orders ids with numbers by value: exam-2 before exam-10.
func compareSessionIDs(a, b string) int {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// cellText is what column col shows of s.
func cellText(s proto.Session, col int) string {
	switch col {
	case ColSession:
		return s.ID
	case ColStart:
		return s.Start.Local().Format("2006-01-02 15:04:05")
	case ColDuration:
		d := time.Duration(s.Duration) * time.Millisecond / time.Second
		return fmt.Sprintf("%d:%02d:%02d", d/3600, d/60%60, d%60)
	case ColState:
		return s.State
	case ColQuality:
		return fmt.Sprintf("%.0f%%", s.Quality*100)
	case ColMarkers:
		if s.Markers == 0 {
			return "–"
		}
		return fmt.Sprint(s.Markers)
	case ColSentinels:
		return fmt.Sprint(len(s.Sentinels))
	case ColDetails:
		return detailsText(s.Details)
	}
	return ""
}

// SessionTable is the browser's table: a widget.Table whose Enter opens
// the row picked (by click, Space or the arrow keys) and whose Esc leaves
// the browser (a focused widget gets the keys, not the window).
type SessionTable struct {
	widget.Table
	onEnter  func()
	onEscape func()
	keying   bool // a key is moving the highlight (not the mouse)
}

// TypedKey implements fyne.Focusable: Enter and Return open, Esc leaves,
// the rest moves through the table as usual.
func (t *SessionTable) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if t.onEnter != nil {
			t.onEnter()
		}
		return
	case fyne.KeyEscape:
		if t.onEscape != nil {
			t.onEscape()
		}
		return
	}
	t.keying = true
	t.Table.TypedKey(ev)
	t.keying = false
}

// sessionCell is one cell: a label on a background that tints the whole
// row (picked, or with markers). It takes the clicks itself, so one click
// picks the row and a double click opens the session (a Table alone
// knows no double click).
type sessionCell struct {
	widget.BaseWidget
	label *widget.Label
	bg    *canvas.Rectangle
	row   int
	table *SessionTable
	open  func(row int)
}

var (
	pickedTint = color.NRGBA{0x29, 0x6f, 0xf6, 0x50}
	markedTint = color.NRGBA{0xff, 0x98, 0x00, 0x1c}
)

func newSessionCell(t *SessionTable, open func(int)) *sessionCell {
	c := &sessionCell{table: t, open: open, label: widget.NewLabel(""), bg: canvas.NewRectangle(color.Transparent)}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer implements fyne.Widget.
func (c *sessionCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, c.label))
}

// set shows text in a style, on a row tint (nil for none).
func (c *sessionCell) set(text string, imp widget.Importance, bold bool, align fyne.TextAlign, tint color.Color) {
	if tint == nil {
		tint = color.Transparent
	}
	if c.bg.FillColor != tint {
		c.bg.FillColor = tint
		c.bg.Refresh()
	}
	l := c.label
	if l.Text != text || l.Importance != imp || l.TextStyle.Bold != bold || l.Alignment != align {
		l.Importance, l.TextStyle.Bold, l.Alignment = imp, bold, align
		l.SetText(text)
	}
}

// Tapped picks the row and gives the table the keyboard.
func (c *sessionCell) Tapped(*fyne.PointEvent) {
	c.table.Select(widget.TableCellID{Row: c.row, Col: 0})
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c.table); cv != nil {
		cv.Focus(c.table)
	}
}

// DoubleTapped opens the row's session.
func (c *sessionCell) DoubleTapped(*fyne.PointEvent) { c.open(c.row) }
