package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// newTable builds the session table: a header of sort buttons, one row
// per shown session; a session with markers has its row tinted and its
// Session and Markers cells in bold warning colour.
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
			c.set("", widget.MediumImportance, false, fyne.TextAlignLeading, nil)
			return
		}
		s := b.shown[id.Row]
		imp, bold := widget.MediumImportance, false
		if s.Markers > 0 && (id.Col == ColSession || id.Col == ColMarkers) {
			imp, bold = widget.WarningImportance, true
		}
		align := fyne.TextAlignLeading
		if id.Col >= ColQuality && id.Col <= ColSentinels {
			align = fyne.TextAlignTrailing
		}
		var tint color.Color
		switch {
		case id.Row == b.cur:
			tint = pickedTint
		case s.Markers > 0:
			tint = markedTint
		}
		c.set(cellText(s, id.Col), imp, bold, align, tint)
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
	// The row picked is tinted across: Refresh redraws the rows.
	t.OnSelected = func(id widget.TableCellID) { b.pick(id.Row) }
	t.OnHighlighted = func(id widget.TableCellID) {
		if t.keying && id.Row >= 0 {
			// The arrow keys move the pick, the table's selection with it.
			t.Select(widget.TableCellID{Row: id.Row, Col: 0})
		}
	}
	t.ExtendBaseWidget(t)
	for i, w := range colWidths {
		t.SetColumnWidth(i, w)
	}
	return t
}

// pick makes row the one Enter opens, and tints it.
func (b *Browser) pick(row int) {
	if row == b.cur {
		return
	}
	b.cur = row
	b.Table.Refresh()
}
