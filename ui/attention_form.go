package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// AttentionForm edits the attention thresholds. Values that do not parse
// or validate are refused with a message and change nothing.
type AttentionForm struct {
	Content fyne.CanvasObject
	// OnSave gets the validated thresholds; OnCancel closes the form.
	OnSave   func(AttentionPrefs)
	OnCancel func()

	Frozen, Black, Dark, Burst, Marker *widget.Entry
	Status                             *widget.Label
	Save                               *widget.Button

	base AttentionPrefs
}

// NewAttentionForm returns a form showing p.
func NewAttentionForm(p AttentionPrefs) *AttentionForm {
	f := &AttentionForm{base: p, Status: widget.NewLabel("")}
	entry := func(v float64) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(strconv.FormatFloat(v, 'f', -1, 64))
		return e
	}
	f.Frozen = entry(p.FrozenAfter.Seconds())
	f.Black = entry(p.BlackAfter.Seconds())
	f.Dark = entry(p.BlackLuma)
	f.Burst = entry(p.BurstRatio)
	f.Marker = entry(p.MarkerFor.Seconds())
	form := widget.NewForm(
		widget.NewFormItem("Frozen webcam after (s)", f.Frozen),
		widget.NewFormItem("Black picture after (s)", f.Black),
		widget.NewFormItem("Dark below (luma 0-255)", f.Dark),
		widget.NewFormItem("Activity burst (x baseline)", f.Burst),
		widget.NewFormItem("Marker cue for (s)", f.Marker),
	)
	f.Save = widget.NewButton("Save", f.save)
	f.Save.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() {
		if f.OnCancel != nil {
			f.OnCancel()
		}
	})
	title := widget.NewLabelWithStyle("Attention cues", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.Content = container.NewVBox(title, form, f.Status, container.NewHBox(f.Save, cancel))
	return f
}

// Prefs parses the entries into thresholds.
func (f *AttentionForm) Prefs() (AttentionPrefs, error) {
	p := f.base
	num := func(e *widget.Entry, what string) (float64, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(e.Text), 64)
		if err != nil || v <= 0 {
			return 0, fmt.Errorf("%w: %s must be a positive number", ErrPrefs, what)
		}
		return v, nil
	}
	secs := func(e *widget.Entry, what string) (time.Duration, error) {
		v, err := num(e, what)
		return time.Duration(v * float64(time.Second)), err
	}
	var err error
	if p.FrozenAfter, err = secs(f.Frozen, "frozen after"); err != nil {
		return p, err
	}
	if p.BlackAfter, err = secs(f.Black, "black after"); err != nil {
		return p, err
	}
	if p.BlackLuma, err = num(f.Dark, "dark below"); err != nil {
		return p, err
	}
	if p.BurstRatio, err = num(f.Burst, "activity burst"); err != nil {
		return p, err
	}
	if p.MarkerFor, err = secs(f.Marker, "marker cue"); err != nil {
		return p, err
	}
	return p, p.Validate()
}

func (f *AttentionForm) save() {
	p, err := f.Prefs()
	if err != nil {
		f.Status.SetText(err.Error())
		return
	}
	if f.OnSave != nil {
		f.OnSave(p)
	}
}

// ShowAttentionPrefs opens the thresholds form; saving stores them in the
// preferences and applies them to the live feeds at once.
func (a *App) ShowAttentionPrefs() {
	if a.live == nil {
		return
	}
	f := NewAttentionForm(a.live.Attention.Prefs())
	a.live.attnForm = f
	a.setPopup(showModal(a.win.Canvas(), f.Content, fyne.NewSize(420, 0)))
	f.OnCancel = func() { a.closePopup() }
	f.OnSave = func(p AttentionPrefs) {
		if err := a.live.Attention.SetPrefs(p); err != nil {
			f.Status.SetText(err.Error())
			return
		}
		saveAttentionPrefs(a.fa.Preferences(), p)
		a.closePopup()
	}
}
