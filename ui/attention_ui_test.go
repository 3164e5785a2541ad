package ui

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"proctor/proto"
)

// testClock is a settable clock for the app.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// connectClockApp is connectTestApp with a clock the test moves.
func connectClockApp(t *testing.T, n int, clk *testClock) (*App, *fakeBackend) {
	t.Helper()
	test.NewTempApp(t)
	b := &fakeBackend{fakeLive: newFakeLive(), fakeArchive: &fakeArchive{}}
	a := New(fyne.CurrentApp(), Config{Dialer: &fakeDialer{backend: b}, manualPump: true, Now: clk.now})
	t.Cleanup(a.Close)
	a.win.Resize(fyne.NewSize(1280, 800))
	a.connect.Server.SetText("http://127.0.0.1:8750")
	a.connect.Token.SetText("tok")
	test.Tap(a.connect.Button)
	a.settle()
	a.event(&proto.Sentinels{Sentinels: sentinels(n)})
	return a, b
}

// TestLiveAttentionCues runs eight feeds through the live screen for 36 s
// of its clock: exam02's webcam goes black, exam03's webcam freezes and
// its screen goes offline, exam01's screen bursts, a marker arrives for
// exam00's screen. The tiles, the sidebar and the event list show it,
// and "needs attention first" puts the sessions in order of urgency.
func TestLiveAttentionCues(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 4, 9, 14, 0, 0, time.UTC)}
	t0 := clk.t
	a, b := connectClockApp(t, 8, clk)
	l := a.live
	feeds := b.open()
	if len(feeds) != 8 {
		t.Fatalf("%d feeds", len(feeds))
	}
	scenes := map[string]*scene{}
	for i, s := range sentinels(8) {
		scenes[s.ID] = &scene{rng: rand.New(rand.NewPCG(uint64(i), 3))}
	}
	still := (&scene{rng: rand.New(rand.NewPCG(9, 9))}).live(0) // a page on a screen
	for k := 0; k <= 36; k++ {
		clk.t = t0.Add(time.Duration(k) * time.Second)
		for _, s := range sentinels(8) {
			f, sc := feeds[s.ID], scenes[s.ID]
			img := still
			if s.Source == proto.SourceWebcam {
				img = sc.live(k)
			}
			switch {
			case s.ID == "s04" && k >= 20:
				img = sc.dark()
			case s.ID == "s06" && k >= 20:
				if sc.frozen == nil {
					sc.frozen = img
				}
				img = sc.frozen
			}
			size := 60_000
			if s.ID == "s03" && k >= 33 {
				size = 400_000
			}
			f.pushImage(img)
			f.pushSegment(SegmentInfo{Time: clk.t, Duration: time.Second, Size: size})
		}
		if k == 25 {
			off := sentinels(8)[7]
			off.State = proto.SentinelOffline
			a.event(&proto.SentinelEvent{SentinelInfo: off})
		}
		if k == 35 {
			a.event(&proto.MarkerEvent{Marker: proto.Marker{Session: "exam00", Sentinel: "s01", Time: clk.t, Label: "phone"}})
		}
		a.pump(true)
	}
	want := map[string]Cue{"s01": CueMarker, "s03": CueBurst, "s04": CueBlack, "s06": CueFrozen, "s07": CueOffline}
	for _, tl := range l.Grid.Tiles() {
		if tl.Cue() != want[tl.ID()] {
			t.Errorf("tile %s shows %q, want %q", tl.ID(), tl.Cue().Word(), want[tl.ID()].Word())
		}
	}
	var lines []string
	for _, ev := range l.Events.Events() {
		lines = append(lines, ev.Text())
	}
	wantLines := []string{"s01 marker 09:14:35", "s03 activity burst 09:14:34", "s06 froze 09:14:28",
		"s07 went offline 09:14:25", "s04 went black 09:14:24"}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
	l.orderSel.SetSelected(OrderAttention)
	var order []string
	for _, tl := range l.Grid.Tiles() {
		order = append(order, tl.ID())
	}
	if got := strings.Join(order, " "); got != "s06 s07 s04 s05 s00 s01 s02 s03" {
		t.Errorf("needs attention first: %s", got)
	}
	test.AssertRendersToMarkup(t, "live_attention.xml", a.win.Canvas())

	l.Events.Select(2) // "s06 froze": its session opens
	if l.Focus == nil || l.Focus.Session != "exam03" {
		t.Fatalf("choosing an event did not focus its session: %+v", l.Focus)
	}
}

// TestOwnMarkerRaisesNoCue: the marker event of a marker this app saved
// gives no cue (it is for markers other proctors add); another's does.
func TestOwnMarkerRaisesNoCue(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 4, 9, 14, 0, 0, time.UTC)}
	a, b := connectClockApp(t, 4, clk)
	test.TypeOnCanvas(a.win.Canvas(), "m") // on s00
	f := a.lastMarkerForm
	test.Type(f.Label, "Phone")
	test.Tap(f.Save)
	a.settle()
	if len(b.markers) != 1 {
		t.Fatalf("markers %+v", b.markers)
	}
	a.event(&proto.MarkerEvent{Type: proto.TypeMarker, Marker: b.markers[0]})
	a.pump(true)
	if c := a.live.Attention.Cue("s00"); c != CueNone {
		t.Errorf("own marker: cue %q", c.Word())
	}
	other := proto.Marker{Session: "exam00", Sentinel: "s00", Time: clk.t, Label: "Phone", Author: "kim"}
	a.event(&proto.MarkerEvent{Type: proto.TypeMarker, Marker: other}) // the same again: someone else's
	a.pump(true)
	if c := a.live.Attention.Cue("s00"); c != CueMarker {
		t.Errorf("another proctor's marker: cue %q", c.Word())
	}
}
