package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"proctor/proto"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func TestRangesOf(t *testing.T) {
	seg := func(start, dur int, disc bool) proto.Segment {
		return proto.Segment{Start: at(start), DurationUS: uint32(dur) * 1e6, Discontinuity: disc}
	}
	got := RangesOf([]proto.Segment{seg(4, 2, false), seg(0, 2, false), seg(2, 2, false), seg(10, 2, false), seg(12, 2, true)})
	want := []Range{{at(0), at(6)}, {at(10), at(12)}, {at(12), at(14)}}
	if len(got) != len(want) {
		t.Fatalf("ranges %v", got)
	}
	for i := range want {
		if !got[i].From.Equal(want[i].From) || !got[i].To.Equal(want[i].To) {
			t.Errorf("range %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestTimelineModelZoom(t *testing.T) {
	m := NewTimelineModel(at(0), at(3600))
	m.Zoom(0.5, at(900))
	if m.Window() != 30*time.Minute || !m.From.Equal(at(450)) {
		t.Errorf("zoom in around 15 min: %v from %v", m.Window(), m.From.Sub(t0))
	}
	for i := 0; i < 20; i++ {
		m.Zoom(0.1, at(900))
	}
	if m.Window() != MinZoom {
		t.Errorf("zoom floor %v", m.Window())
	}
	if x := m.X(at(900), 1000); x < 0 || x > 1000 {
		t.Errorf("zoom point left the view: x=%v", x)
	}
	m.Zoom(1e6, at(10))
	if !m.From.Equal(at(0)) || !m.To.Equal(at(3600)) {
		t.Errorf("zoom out is not the whole session: %v-%v", m.From.Sub(t0), m.To.Sub(t0))
	}
	m.Zoom(0.01, at(3599))
	if m.To.After(at(3600)) {
		t.Errorf("window past the end: %v", m.To.Sub(t0))
	}
	m.ZoomAll()
	m.SetEnd(at(3650)) // live session: the whole session stays in view
	if !m.From.Equal(at(0)) || !m.To.Equal(at(3650)) {
		t.Errorf("whole view did not grow: %v-%v", m.From.Sub(t0), m.To.Sub(t0))
	}
	m.Zoom(0.5, at(3650))
	m.SetEnd(at(3700)) // a window at the end follows it
	if !m.To.Equal(at(3700)) || m.Window() != 3650*time.Second/2 {
		t.Errorf("window does not follow the end: %v, %v", m.To.Sub(t0), m.Window())
	}
}

// newTimelineWindow shows a 1000-unit-wide timeline over 100 s with two
// recorded ranges and two markers.
func newTimelineWindow(t *testing.T) (*Timeline, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	tl := NewTimeline(at(0), at(100))
	tl.SetRanges([]Range{{at(0), at(40)}, {at(50), at(100)}})
	tl.SetMarkers([]proto.Marker{{Sentinel: "s1", Time: at(25), Label: "Phone"}, {Sentinel: "s1", Time: at(75), Label: "Talking"}})
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1000, tl.MinSize().Height))
	return tl, w
}

// A live session's play position runs ahead of the end the review screen
// last set (once a second): showing it extends the session, and a window
// that shows the whole session keeps doing so.
func TestTimelineWholeWindowFollowsALivePosition(t *testing.T) {
	m := NewTimelineModel(at(0), at(1))
	for s := 1; s <= 30; s++ {
		m.SetEnd(at(s))
		p := at(s).Add(300 * time.Millisecond)
		m.Reveal(p)
		if m.To.Before(p) {
			t.Fatalf("position %v is past the window's end %v", p, m.To)
		}
	}
	if !m.From.Equal(at(0)) || !m.To.Equal(m.End) || m.End.Before(at(30)) {
		t.Fatalf("window %v..%v of %v..%v, want the whole session", m.From, m.To, m.Start, m.End)
	}
	// Zoomed in at the end, the window keeps its width and follows.
	m.Zoom(0.25, m.End)
	w := m.Window()
	m.Reveal(m.End.Add(time.Second))
	if m.Window() != w || !m.To.Equal(m.End) {
		t.Fatalf("zoomed window %v..%v (width %v, want %v) of ..%v", m.From, m.To, m.Window(), w, m.End)
	}
}

func TestTimelineDragPreviewsThenSeeks(t *testing.T) {
	tl, w := newTimelineWindow(t)
	var previews, seeks []time.Time
	tl.OnPreview = func(x time.Time) { previews = append(previews, x) }
	tl.OnSeek = func(x time.Time) { seeks = append(seeks, x) }
	// Drag from 10 s to 60 s in steps, as the desktop driver reports it:
	// the pointer's current position and the delta since the last event.
	for x := float32(110); x <= 600; x += 10 {
		tl.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, 25)}, Dragged: fyne.NewDelta(10, 0)})
	}
	if len(previews) != 50 || !tl.Dragging() || len(seeks) != 0 {
		t.Fatalf("%d previews, %d seeks while dragging", len(previews), len(seeks))
	}
	if got := previews[len(previews)-1]; got.Sub(at(60)).Abs() > 200*time.Millisecond {
		t.Errorf("last preview at %v, want 60 s", got.Sub(t0))
	}
	tl.SetTime(at(5)) // ignored while dragging
	tl.DragEnd()
	if len(seeks) != 1 || seeks[0].Sub(at(60)).Abs() > 200*time.Millisecond {
		t.Errorf("seek after drag %v", seeks)
	}
	if tl.Time().Sub(at(60)).Abs() > 200*time.Millisecond {
		t.Errorf("handle at %v", tl.Time().Sub(t0))
	}
	test.AssertRendersToMarkup(t, "timeline_dragged.xml", w.Canvas())
}

func TestTimelineClickJumpsAndPicksMarkers(t *testing.T) {
	tl, _ := newTimelineWindow(t)
	var seeks []time.Time
	var picked []proto.Marker
	tl.OnSeek = func(x time.Time) { seeks = append(seeks, x) }
	tl.OnMarker = func(m proto.Marker) { picked = append(picked, m) }
	test.TapAt(tl, fyne.NewPos(753, 20)) // 3 units from the 75 s marker
	if len(picked) != 1 || picked[0].Label != "Talking" || len(seeks) != 0 {
		t.Fatalf("marker click: picked %v seeks %v", picked, seeks)
	}
	if !tl.Time().Equal(at(75)) {
		t.Errorf("handle at %v after marker click", tl.Time().Sub(t0))
	}
	test.TapAt(tl, fyne.NewPos(450, 20))
	if len(seeks) != 1 || seeks[0].Sub(at(45)).Abs() > 200*time.Millisecond {
		t.Errorf("click at 45 s: %v", seeks)
	}
}

func TestTimelineZoomByScrollAndButtons(t *testing.T) {
	tl, w := newTimelineWindow(t)
	tl.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(250, 25)}, Scrolled: fyne.NewDelta(0, 10)})
	m := tl.Model()
	if m.Window() >= 100*time.Second {
		t.Fatalf("scroll did not zoom in: %v", m.Window())
	}
	if x := m.X(at(25), 1000); x < 240 || x > 260 {
		t.Errorf("zoom did not keep 25 s under the pointer: x=%v", x)
	}
	tl.SetTime(at(25))
	for i := 0; i < 10; i++ {
		tl.ZoomIn()
	}
	if tl.Model().Window() != MinZoom {
		t.Errorf("zoomed to %v, want %v", tl.Model().Window(), MinZoom)
	}
	test.AssertRendersToMarkup(t, "timeline_zoomed.xml", w.Canvas())
	tl.ZoomAll()
	if tl.Model().Window() != 100*time.Second {
		t.Errorf("zoom all: %v", tl.Model().Window())
	}
}
