package ui

import (
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// flagAndSave presses M, saves a marker labelled label and returns the
// time it was posted with.
func flagAndSave(t *testing.T, a *App, b *fakeBackend, label string) time.Time {
	t.Helper()
	test.TypeOnCanvas(a.win.Canvas(), "m")
	f := findMarkerForm(t, a)
	test.Type(f.Label, label)
	test.Tap(f.Save)
	a.settle()
	if len(b.markers) == 0 || b.markers[len(b.markers)-1].Label != label {
		t.Fatalf("marker %q not posted: %+v", label, b.markers)
	}
	return b.markers[len(b.markers)-1].Time
}

// TestMarkerTakesThePictureTime: a live picture trails the wall clock (and
// a replayed one by much more); the marker carries the time of the picture
// the proctor sees, in the grid, in focus and during an instant replay.
func TestMarkerTakesThePictureTime(t *testing.T) {
	a, b := connectTestApp(t, 4)
	now := a.cfg.Now()
	grid := b.open()["s00"]
	grid.push(color.RGBA{0x80, 0x40, 0x20, 0xff})
	grid.playTo(now.Add(-3 * time.Second))
	a.pump(false)
	if got := flagAndSave(t, a, b, "Phone"); !got.Equal(now.Add(-3 * time.Second)) {
		t.Errorf("grid marker at %v, want the picture's %v", got, now.Add(-3*time.Second))
	}

	a.live.OpenFocus("exam01") // s02 webcam, s03 screen (selected)
	a.settle()                 // its markers are loaded
	for _, r := range b.replays {
		r.playTo(now.Add(-4 * time.Second))
	}
	a.pump(false)
	if got := flagAndSave(t, a, b, "Talking"); !got.Equal(now.Add(-4 * time.Second)) {
		t.Errorf("focus marker at %v, want the picture's %v", got, now.Add(-4*time.Second))
	}

	test.TypeOnCanvas(a.win.Canvas(), "3") // 30 s back from the picture
	for _, r := range b.replays {
		r.playTo(r.Position().Add(time.Second)) // the keyframe, then on
	}
	a.pump(false)
	want := now.Add(-33 * time.Second)
	if got := flagAndSave(t, a, b, "Looking away"); !got.Equal(want) {
		t.Errorf("replay marker at %v, want the picture's %v", got, want)
	}
}
