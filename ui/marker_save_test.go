package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestMarkerSavingStaysSaving: while a save is under way, typing in the
// label does not turn Save back on and Enter sends no second save.
func TestMarkerSavingStaysSaving(t *testing.T) {
	a, b := connectTestApp(t, 4)
	release := blockSaves(t, b)
	test.TypeOnCanvas(a.win.Canvas(), "m")
	f := findMarkerForm(t, a)
	test.Type(f.Label, "Phone")
	test.Tap(f.Save)
	if f.Status.Text != "Saving…" || !f.Save.Disabled() {
		t.Fatalf("after Save: %q, disabled %v", f.Status.Text, f.Save.Disabled())
	}
	test.Type(f.Label, " on desk")
	if !f.Save.Disabled() {
		t.Error("typing while saving turned Save back on")
	}
	f.Label.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Tap(f.Save)
	release()
	a.settle()
	if b.addCalls != 1 {
		t.Errorf("%d saves sent, want 1", b.addCalls)
	}
	if a.popup != nil {
		t.Error("dialog still open after the save")
	}
}

// TestMarkerSaveTimesOut: a server that does not answer (here one deaf to
// the call's context) leaves the dialog on "Saving…" no longer than the
// timeout; Save comes back on, and an answer that comes later still
// closes the dialog, as the marker exists.
func TestMarkerSaveTimesOut(t *testing.T) {
	a, b := connectTestApp(t, 4)
	a.cfg.markerTimeout = 50 * time.Millisecond
	release := blockSaves(t, b)
	test.TypeOnCanvas(a.win.Canvas(), "m")
	f := findMarkerForm(t, a)
	test.Type(f.Label, "Phone")
	test.Tap(f.Save)
	deadline := time.Now().Add(5 * time.Second)
	for f.Saving() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if f.Saving() || !strings.Contains(f.Status.Text, "did not answer in time") || f.Save.Disabled() {
		t.Fatalf("after the timeout: saving %v, %q, Save disabled %v", f.Saving(), f.Status.Text, f.Save.Disabled())
	}
	release()
	a.settle()
	if a.popup != nil {
		t.Error("a late success left the dialog open")
	}
}

// blockSaves makes AddMarker wait until release is called (at the latest
// when the test ends, before the app closes and waits for its calls).
func blockSaves(t *testing.T, b *fakeBackend) (release func()) {
	ch := make(chan struct{})
	b.fakeArchive.mu.Lock()
	b.addBlock = ch
	b.fakeArchive.mu.Unlock()
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	t.Cleanup(release)
	return release
}
