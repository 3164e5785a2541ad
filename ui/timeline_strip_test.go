package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"proctor/proto"
)

// newStripWindow shows a 600-unit-wide timeline of the 10-minute
// recording of activitySegments for a webcam and a screen Sentinel, with
// three markers, two of them too close for both labels.
func newStripWindow(t *testing.T) (*Timeline, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	cam, screen := activitySegments(40_000), activitySegments(20_000)
	for i := range screen {
		if s := screen[i].Start.Sub(t0); s >= 100*time.Second && s < 130*time.Second {
			screen[i].Size = 200_000 // a window switch
		}
	}
	tl := NewTimeline(at(0), at(600))
	tl.SetRanges(unionRanges(append(RangesOf(cam), RangesOf(screen)...)))
	tl.SetActivity([]*Activity{NewActivity("cam", cam), NewActivity("screen", screen)})
	tl.SetMarkers([]proto.Marker{
		{Sentinel: "cam", Time: at(120), Label: "Phone"},
		{Sentinel: "cam", Time: at(128), Label: "Talking"},
		{Sentinel: "screen", Time: at(450), Label: "Left the room"},
	})
	tl.SetTime(at(200))
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(600, tl.MinSize().Height))
	return tl, w
}

func TestTimelineDrawsActivityPinsAndGaps(t *testing.T) {
	tl, w := newStripWindow(t)
	if got := tl.MinSize().Height; got < 2*stripRow+minTrack {
		t.Errorf("two strips in a timeline %v high", got)
	}
	test.AssertRendersToMarkup(t, "timeline_strip.xml", w.Canvas())
	// Zoomed in on the two close markers, both labels show.
	tl.SetTime(at(124))
	for tl.Model().Window() > 40*time.Second {
		tl.ZoomIn()
	}
	test.AssertRendersToMarkup(t, "timeline_strip_zoomed.xml", w.Canvas())
}

// The axis at three zoom levels of a two-hour session: ten-minute labels
// over the whole, then seconds, then the two-second floor.
func TestTimelineAxisAtThreeZooms(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline(at(0), at(7200))
	tl.SetRanges([]Range{{at(0), at(3000)}, {at(3300), at(7200)}})
	tl.SetTime(at(3600))
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(600, tl.MinSize().Height))
	test.AssertRendersToMarkup(t, "timeline_axis_hours.xml", w.Canvas())
	for tl.Model().Window() > 2*time.Minute {
		tl.ZoomIn()
	}
	test.AssertRendersToMarkup(t, "timeline_axis_minutes.xml", w.Canvas())
	for tl.Model().Window() > MinZoom {
		tl.ZoomIn()
	}
	test.AssertRendersToMarkup(t, "timeline_axis_seconds.xml", w.Canvas())
}

// A click on a pin's label picks its marker, well away from the pin.
func TestTimelinePinLabelsAreClickable(t *testing.T) {
	tl, _ := newStripWindow(t)
	var picked []string
	tl.OnMarker = func(m proto.Marker) { picked = append(picked, m.Label) }
	tl.OnSeek = func(time.Time) { picked = append(picked, "seek") }
	test.TapAt(tl, fyne.NewPos(450+40, 5)) // on "Left the room", 40 units right of its pin
	test.TapAt(tl, fyne.NewPos(490, 40))   // the same x on the track: a jump
	if !equalStrings(picked, []string{"Left the room", "seek"}) {
		t.Errorf("picked %v", picked)
	}
}
