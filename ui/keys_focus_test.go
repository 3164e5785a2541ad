package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestFlagKeyAfterClicks: M and m open the marker dialog in focus (as
// help lists "M") after an instant replay from the bar's button and after
// a click on the toolbar's Stats check or order select, which take the
// keyboard focus; the keys go through the window's handling (or the
// focused widget, as the real driver does).
func TestFlagKeyAfterClicks(t *testing.T) {
	a, _ := connectTestApp(t, 4)
	a.live.OpenFocus("exam01")
	a.settle()
	f := a.live.Focus
	c := a.win.Canvas()
	press := func(name string, r string, click func()) {
		t.Helper()
		click()
		typeAsDriver(c, r)
		if a.popup == nil || a.popup.Hidden {
			t.Errorf("%s then %q: no marker dialog (focused %T)", name, r, c.Focused())
			return
		}
		c.Unfocus()
		c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if a.popup != nil {
			t.Fatalf("%s: Esc did not close the dialog", name)
		}
	}
	press("replay button", "m", func() { test.Tap(f.Replay.Back10) })
	press("replay button", "M", func() { test.Tap(f.Replay.Back30) })
	press("replay key", "m", func() { test.TypeOnCanvas(c, "1") })
	press("stats check", "m", func() { test.Tap(a.live.stats) })
	press("order select", "m", func() {
		c.Focus(a.live.orderSel) // what a click on it does
		a.live.orderSel.SetSelected(OrderAttention)
	})
	press("layout select", "M", func() {
		c.Focus(a.live.layoutSel)
		a.live.layoutSel.SetSelectedIndex(1)
	})
}

// typeAsDriver delivers runes as the desktop driver does: to the focused
// widget if there is one, else to the window (test.TypeOnCanvas always
// gives them to the window).
func typeAsDriver(c fyne.Canvas, s string) {
	for _, r := range s {
		if fo := c.Focused(); fo != nil {
			fo.TypedRune(r)
		} else {
			c.OnTypedRune()(r)
		}
	}
}

// keyAsDriver delivers a named key as the desktop driver does: to the
// focused widget if there is one, else to the window.
func keyAsDriver(c fyne.Canvas, k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	if fo := c.Focused(); fo != nil {
		fo.TypedKey(ev)
	} else {
		c.OnTypedKey()(ev)
	}
}

// TestMarkerDialogEscWhileTyping: Esc closes the marker dialog while its
// label or note entry has the keyboard (it has from the moment the dialog
// opens); the driver gives the key to the entry, not to the window.
func TestMarkerDialogEscWhileTyping(t *testing.T) {
	a, b := connectTestApp(t, 4)
	c := a.win.Canvas()
	for _, in := range []string{"label", "note"} {
		typeAsDriver(c, "m")
		f := findMarkerForm(t, a)
		if in == "note" {
			c.Focus(f.Note)
		}
		typeAsDriver(c, "Pho")
		keyAsDriver(c, fyne.KeyEscape)
		if a.popup != nil {
			t.Errorf("Esc in the %s entry did not close the dialog", in)
			a.closePopup()
		}
	}
	if len(b.markers) != 0 {
		t.Errorf("a cancelled dialog saved %+v", b.markers)
	}
}
