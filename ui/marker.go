package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// MarkerLabels are offered in the marker dialog; any other text is allowed.
var MarkerLabels = []string{"Phone", "Another person", "Left the seat", "Looking away", "Talking", "Notes or book", "Other screen content", "Connection problem"}

// MarkerForm is the content of the marker dialog: a label (required) and
// an optional note. It is a plain form so tests can fill it without a window.
type MarkerForm struct {
	Label   *escSelectEntry // Esc in it cancels
	Note    *escEntry
	Save    *widget.Button
	Cancel  *widget.Button
	Status  *widget.Label
	Content fyne.CanvasObject

	// OnSave is called with the trimmed label and note.
	OnSave func(label, note string)
	// OnCancel is called when the dialog is dismissed.
	OnCancel func()

	saving bool // a save is under way: Save stays off whatever is typed
}

// NewMarkerForm builds the form for a marker on sentinel at t.
func NewMarkerForm(sentinel string, t time.Time) *MarkerForm {
	f := &MarkerForm{Label: newEscSelectEntry(MarkerLabels), Note: newEscMultiLineEntry(), Status: widget.NewLabel("")}
	f.Label.SetPlaceHolder("What happened? (required)")
	f.Note.SetPlaceHolder("Note (optional)")
	f.Note.SetMinRowsVisible(3)
	f.Save = widget.NewButton("Save marker", f.submit)
	f.Save.Importance = widget.HighImportance
	f.Save.Disable()
	cancel := func() {
		if f.OnCancel != nil {
			f.OnCancel()
		}
	}
	f.Cancel = widget.NewButton("Cancel", cancel)
	f.Label.onEsc, f.Note.onEsc = cancel, cancel
	f.Label.OnChanged = func(string) { f.enableSave() }
	f.Label.OnSubmitted = func(string) { f.submit() }
	title := widget.NewLabelWithStyle("Flag an incident", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	where := widget.NewLabel(fmt.Sprintf("%s at %s", sentinel, t.Local().Format("15:04:05")))
	f.Content = container.NewVBox(title, where, f.Label, f.Note, f.Status,
		container.NewHBox(f.Cancel, f.Save))
	return f
}

// enableSave turns Save on when there is a label and no save under way.
func (f *MarkerForm) enableSave() {
	if f.saving || strings.TrimSpace(f.Label.Text) == "" {
		f.Save.Disable()
	} else {
		f.Save.Enable()
	}
}

// SetSaving shows that a save is under way; until SetFailed, neither
// typing nor Enter can send a second one.
func (f *MarkerForm) SetSaving() {
	f.saving = true
	f.Save.Disable()
	f.Status.SetText("Saving…")
}

// SetFailed shows why a save failed and lets the proctor try again.
func (f *MarkerForm) SetFailed(msg string) {
	f.saving = false
	f.Status.SetText(msg)
	f.enableSave()
}

// Saving reports whether a save is under way.
func (f *MarkerForm) Saving() bool { return f.saving }

func (f *MarkerForm) submit() {
	if f.saving {
		return
	}
	label := strings.TrimSpace(f.Label.Text)
	if label == "" {
		f.Status.SetText("A label is required.")
		return
	}
	if f.OnSave != nil {
		f.OnSave(label, strings.TrimSpace(f.Note.Text))
	}
}

// showModal shows content in a modal pop-up sized to at least min and
// returns it; hide it to close.
func showModal(c fyne.Canvas, content fyne.CanvasObject, min fyne.Size) *widget.PopUp {
	p := widget.NewModalPopUp(container.NewPadded(content), c)
	p.Resize(fyne.NewSize(max(min.Width, content.MinSize().Width+16), max(min.Height, content.MinSize().Height+16)))
	p.Show()
	return p
}
