package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// newTable builds the session table: a header of sort buttons, one row
// per shown session, the Session and Markers cells of a session with
// markers in bold warning colour.
func (b *Browser) newTable() *SessionTable {
	t := &SessionTable{onEnter: b.OpenSelected, onEscape: func() {
		if b.OnBack != nil {
			b.OnBack()
		}
	}}
	t.Length = func() (int, int) { return len(b.shown), numCols }
	t.CreateCell = func() fyne.CanvasObject { return newSessionCell(t, b.openRow) }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		c := o.(*sessionCell)
		c.row = id.Row
		if id.Row >= len(b.shown) {
			c.SetText("")
			return
		}
		s := b.shown[id.Row]
		flagged := s.Markers > 0 && (id.Col == ColSession || id.Col == ColMarkers)
		c.Importance, c.TextStyle.Bold = widget.MediumImportance, false
		if flagged {
			c.Importance, c.TextStyle.Bold = widget.WarningImportance, true
		}
		c.Alignment = fyne.TextAlignLeading
		if id.Col >= ColQuality && id.Col <= ColSentinels {
			c.Alignment = fyne.TextAlignTrailing
		}
		c.SetText(cellText(s, id.Col))
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		h := widget.NewButton("", nil)
		h.Alignment = widget.ButtonAlignLeading
		h.Importance = widget.LowImportance
		return h
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		h := o.(*widget.Button)
		if id.Col < 0 || id.Col >= numCols {
			h.SetText("")
			return
		}
		text := colNames[id.Col]
		if id.Col == b.sortCol {
			if b.sortDesc {
				text += " ▼"
			} else {
				text += " ▲"
			}
		}
		col := id.Col
		h.OnTapped = func() { b.SortBy(col) }
		h.SetText(text)
	}
	t.OnSelected = func(id widget.TableCellID) { b.cur = id.Row }
	t.OnHighlighted = func(id widget.TableCellID) {
		if t.keying {
			b.cur = id.Row
		}
	}
	t.ExtendBaseWidget(t)
	for i, w := range colWidths {
		t.SetColumnWidth(i, w)
	}
	return t
}
