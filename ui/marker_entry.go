package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The marker dialog's entries close it on Esc. The desktop driver gives
// every key to the focused widget, so the window's Esc handling never sees
// it while the proctor types in the dialog (and the entry has the focus
// from the moment the dialog opens).

// escSelectEntry is a SelectEntry whose Esc calls onEsc.
type escSelectEntry struct {
	widget.SelectEntry
	onEsc func()
}

func newEscSelectEntry(options []string) *escSelectEntry {
	e := &escSelectEntry{}
	e.ExtendBaseWidget(e)
	e.SetOptions(options)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	return e
}

func (e *escSelectEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEsc != nil {
		e.onEsc()
		return
	}
	e.SelectEntry.TypedKey(k)
}

// escEntry is a multi-line Entry whose Esc calls onEsc.
type escEntry struct {
	widget.Entry
	onEsc func()
}

func newEscMultiLineEntry() *escEntry {
	e := &escEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEsc != nil {
		e.onEsc()
		return
	}
	e.Entry.TypedKey(k)
}
