package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// syncRunner runs work at once on the test goroutine.
func syncRunner(work func(ctx context.Context) func()) {
	if apply := work(context.Background()); apply != nil {
		apply()
	}
}

func reviewSession() proto.Session {
	end := at(120)
	return proto.Session{ID: "exam01", State: proto.SessionClosed, Start: at(0), End: &end, Sentinels: []string{"s02", "s03"}}
}

func newReview(t *testing.T) (*ReviewScreen, *fakeArchive, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	arch := &fakeArchive{
		markers: []proto.Marker{{ID: 1, Session: "exam01", Sentinel: "s02", Time: at(30), Label: "Phone"}},
		segments: []proto.Segment{
			{Start: at(0), DurationUS: 60e6}, {Start: at(80), DurationUS: 40e6},
		},
	}
	r := NewReviewScreen(arch, syncRunner, reviewSession())
	w := test.NewTempWindow(t, r.Content)
	w.Resize(fyne.NewSize(1280, 800))
	return r, arch, w
}

func TestReviewLoadsRangesAndMarkers(t *testing.T) {
	r, arch, w := newReview(t)
	if len(arch.playbacks) != 2 || len(r.Tiles()) != 2 {
		t.Fatalf("%d playbacks, %d tiles", len(arch.playbacks), len(r.Tiles()))
	}
	if got := r.Timeline.ranges; len(got) != 2 || !got[0].To.Equal(at(60)) || !got[1].From.Equal(at(80)) {
		t.Errorf("ranges %v", got)
	}
	if len(r.Timeline.Markers()) != 1 || !strings.HasSuffix(r.Status.Text, "· 1 marker") {
		t.Errorf("markers %v, status %q", r.Timeline.Markers(), r.Status.Text)
	}
	test.AssertRendersToMarkup(t, "review.xml", w.Canvas())
}

func TestReviewControlsDriveEverySentinel(t *testing.T) {
	r, arch, _ := newReview(t)
	r.TogglePlay() // pause
	r.Seek(at(45))
	r.Faster()
	r.Step(1)
	r.Jump(JumpStep)
	r.Timeline.OnPreview(at(70))
	r.Markers.Select(0) // the marker list jumps to the marker
	for _, p := range arch.playbacks {
		got := strings.Join(p.commands(), ", ")
		for _, want := range []string{"pause", "seek 09:00:45", "speed 2", "step 1", "seek 09:00:55", "preview 09:01:10", "seek 09:00:30"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s got %q, missing %q", p.id, got, want)
			}
		}
	}
	if r.Playing() {
		t.Error("playing after pause and step")
	}
}

// Picking a marker in the list seeks to it, every time it is picked, and
// leaves the keyboard to the player's shortcuts.
func TestReviewMarkerListSeeksAndGivesBackTheKeyboard(t *testing.T) {
	r, arch, w := newReview(t)
	w.Canvas().Focus(r.Markers) // as a click on the list does
	r.Markers.Select(0)
	if f := w.Canvas().Focused(); f != nil {
		t.Fatalf("%T keeps the keyboard after a marker was picked", f)
	}
	r.Markers.Select(0) // the same marker again
	for _, p := range arch.playbacks {
		if n := strings.Count(strings.Join(p.commands(), ", "), "seek 09:00:30"); n != 2 {
			t.Errorf("%s: %d seeks to the marker, want 2: %v", p.id, n, p.commands())
		}
	}
}

func TestReviewResyncsDriftingSentinel(t *testing.T) {
	r, arch, _ := newReview(t)
	arch.playbacks[0].Seek(at(50))
	arch.playbacks[1].Seek(at(52)) // 2 s behind... ahead
	r.Pump(true)
	if got := arch.playbacks[1].Position(); !got.Equal(at(50)) {
		t.Errorf("drifting Sentinel at %v, want re-seeked to 50 s", got.Sub(t0))
	}
}

func TestReviewMarkerFromAnotherProctor(t *testing.T) {
	r, _, _ := newReview(t)
	r.Event(&proto.MarkerEvent{Type: proto.TypeMarker, Marker: proto.Marker{Session: "exam01", Sentinel: "s03", Time: at(90), Label: "Talking"}})
	r.Event(&proto.MarkerEvent{Type: proto.TypeMarker, Marker: proto.Marker{Session: "other", Sentinel: "x", Time: at(91), Label: "no"}})
	r.AddMarker(proto.Marker{ID: 1, Session: "exam01", Sentinel: "s02", Time: at(30), Label: "Phone"}) // echo of a loaded one
	if n := len(r.Timeline.Markers()); n != 2 {
		t.Errorf("%d markers on the timeline, want 2", n)
	}
	if !strings.HasSuffix(r.Status.Text, "· 2 markers") {
		t.Errorf("status %q after a marker was added", r.Status.Text)
	}
}

func TestBrowserFiltersAndPages(t *testing.T) {
	test.NewTempApp(t)
	arch := &fakeArchive{sessions: []proto.Session{
		{ID: "a", State: proto.SessionOpen, Start: at(0)},
		{ID: "b", State: proto.SessionClosed, Start: at(10)},
	}}
	b := NewBrowser(arch, syncRunner)
	var opened []string
	b.OnOpen = func(s proto.Session) { opened = append(opened, s.ID) }
	b.Load()
	if len(b.Sessions()) != 2 {
		t.Fatalf("sessions %v", b.Sessions())
	}
	b.Text.SetText("ada")
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	b.From.SetDate(&from) // as the calendar picks it: a day, in UTC
	b.To.SetDate(&to)
	b.State.SetSelected(proto.SessionClosed) // reloads
	q := arch.queries[len(arch.queries)-1]
	if q.State != proto.SessionClosed || q.Text != "ada" || !q.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local)) || q.To.Day() != 2 {
		t.Errorf("query %+v", q)
	}
	if len(b.Sessions()) != 1 || b.Sessions()[0].ID != "b" {
		t.Errorf("closed sessions %v", b.Sessions())
	}
	b.Table.Select(widget.TableCellID{Row: 0, Col: 0})
	b.OpenSelected()
	if len(opened) != 1 || opened[0] != "b" {
		t.Errorf("opened %v", opened)
	}
	b.From.SetDate(nil)
	b.From.SetText("1 Nov")
	b.Load()
	if !strings.Contains(b.Status.Text, "YYYY-MM-DD") {
		t.Errorf("bad date status %q", b.Status.Text)
	}
}

func TestExportProgressAndCancel(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	done := make(chan struct{})
	run := func(work func(ctx context.Context) func()) {
		go func() {
			defer close(done)
			work(context.Background()) // the apply func is not needed here
		}()
	}
	arch := &fakeArchive{progressed: make(chan struct{}, 1)}
	f := NewExportForm(arch, run, "exam01", []string{"s02", "s03"}, at(10), at(20), dir)
	if want := filepath.Join(dir, "exam01-s02-20261102-090010.mp4"); f.File.Text != want {
		t.Errorf("file %q, want %q", f.File.Text, want)
	}
	test.Tap(f.Start)
	if !f.Running() || !f.Start.Disabled() || f.Cancel.Text != "Cancel" {
		t.Fatal("export did not start")
	}
	<-arch.progressed
	if f.Progress.Value != 0.5 {
		t.Errorf("progress %v, want 0.5", f.Progress.Value)
	}
	test.Tap(f.Cancel)
	<-done
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("cancelled export left %d files", len(ents))
	}
	f.To.SetText("09:00:05")
	f.cancel = nil
	f.Start.Enable()
	test.Tap(f.Start)
	if !strings.Contains(f.Status.Text, "To after From") {
		t.Errorf("status %q", f.Status.Text)
	}
}

func TestExportFolder(t *testing.T) {
	dir := t.TempDir()
	f := NewExportForm(&fakeArchive{}, func(func(context.Context) func()) {}, "exam01", []string{"s02"}, at(10), at(20), dir)
	other := t.TempDir()
	var asked string
	f.ChooseFolder = func(start string, set func(string)) {
		asked = start
		set(other)
	}
	test.Tap(f.Folder)
	if asked != dir || f.File.Text != filepath.Join(other, "exam01-s02-20261102-090010.mp4") {
		t.Fatalf("asked %q, file %q", asked, f.File.Text)
	}
}

// TestReviewCaptionsUnderThePictures: in review, as in focus, each
// Sentinel's name bar sits under its picture, never over the picture's
// own caption (the webcam's clock, the screen's taskbar).
func TestReviewCaptionsUnderThePictures(t *testing.T) {
	r, _, w := newReview(t)
	w.Canvas().Refresh(r.Content)
	for _, tl := range r.Tiles() {
		tr := test.TempWidgetRenderer(t, tl).(*tileRenderer)
		tr.Layout(tl.Size())
		if bottom := tr.pic.Position().Y + tr.pic.Size().Height; bottom > tr.bar.Position().Y+0.5 {
			t.Errorf("%s: picture reaches %v, under its caption at %v", tl.ID(), bottom, tr.bar.Position().Y)
		}
	}
}
