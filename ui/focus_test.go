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

// TestFocusLayouts opens a session of a webcam and a screen: the screen
// is large with the webcam beside it over the details, X swaps them, P
// puts the small one over the large picture's corner; no caption lies
// over a picture.
func TestFocusLayouts(t *testing.T) {
	a, b := connectTestApp(t, 8)
	a.live.OpenFocus("exam01") // s02 webcam, s03 screen
	f := a.live.Focus
	if f.Tiles()[f.Main()].ID() != "s03" {
		t.Fatalf("large tile %s, want the screen s03", f.Tiles()[f.Main()].ID())
	}
	for _, m := range []proto.Marker{
		{ID: 2, Sentinel: "s03", Time: time.Date(2026, 11, 2, 9, 29, 50, 0, time.UTC), Label: "second screen", Author: "kim"},
		{ID: 1, Sentinel: "s02", Time: time.Date(2026, 11, 2, 9, 20, 5, 0, time.UTC), Label: "looked away"},
	} {
		f.Panel.AddMarker(m)
	}
	f.Panel.AddMarker(proto.Marker{ID: 1, Label: "the same marker again"})
	if f.Panel.MarkerCount() != 2 {
		t.Errorf("%d markers, want 2 (one repeated)", f.Panel.MarkerCount())
	}
	checkCaptions := func(name string) {
		t.Helper()
		for _, tl := range f.Tiles() {
			r := test.TempWidgetRenderer(t, tl).(*tileRenderer)
			if bottom := r.pic.Position().Y + r.pic.Size().Height; bottom > r.bar.Position().Y+0.5 {
				t.Errorf("%s: %s picture reaches %v, under its caption at %v", name, tl.ID(), bottom, r.bar.Position().Y)
			}
		}
	}
	checkCaptions("beside")
	test.AssertRendersToMarkup(t, "focus_beside.xml", a.win.Canvas())
	c := a.win.Canvas()
	test.TypeOnCanvas(c, "x")
	if f.Tiles()[f.Main()].ID() != "s02" {
		t.Fatalf("X: large tile %s, want the webcam", f.Tiles()[f.Main()].ID())
	}
	test.AssertRendersToMarkup(t, "focus_swapped.xml", a.win.Canvas())
	test.TypeOnCanvas(c, "xp")
	if !f.PiP() {
		t.Fatal("P did not switch to picture in picture")
	}
	checkCaptions("pip")
	test.AssertRendersToMarkup(t, "focus_pip.xml", a.win.Canvas())
	if open := b.open(); len(open) != 2 || open["s03"].options().Width < open["s02"].options().Width {
		t.Errorf("the large picture does not decode larger: %+v %+v", open["s03"].options(), open["s02"].options())
	}
}

// TestInstantReplay: 1 goes back 10 s from the picture on screen, 3 a
// further 30 s, on both Sentinels of the session; End returns to live.
func TestInstantReplay(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 4, 9, 14, 0, 0, time.UTC)}
	a, b := connectClockApp(t, 4, clk)
	a.live.OpenFocus("exam01")
	f := a.live.Focus
	c := a.win.Canvas()
	if f.Replaying() || !strings.Contains(f.Replay.Where.Text, "Live") || !f.Replay.Live.Disabled() {
		t.Fatalf("focus does not open live: %q", f.Replay.Where.Text)
	}
	test.TypeOnCanvas(c, "1")
	if len(b.replays) != 2 {
		t.Fatalf("%d replay feeds, want 2", len(b.replays))
	}
	clk.t = clk.t.Add(2 * time.Second)
	for _, r := range b.replays {
		r.playTo(r.Position().Add(2 * time.Second)) // the pictures play on
	}
	test.TypeOnCanvas(c, "3")
	a.pump(true)
	for _, r := range b.replays {
		// 09:14:00 - 10 s; then 2 s played on and 30 s back.
		if got := strings.Join(r.commands(), ", "); got != "replay 09:13:50, replay 09:13:22" {
			t.Errorf("%s: %s", r.id, got)
		}
	}
	if want := "Replay 09:13:22 · 40 s behind live"; f.Replay.Where.Text != want || f.Replay.Live.Disabled() {
		t.Errorf("bar %q, want %q and Live enabled", f.Replay.Where.Text, want)
	}
	test.AssertRendersToMarkup(t, "focus_replay.xml", a.win.Canvas())
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEnd})
	for _, r := range b.replays {
		if cmds := r.commands(); cmds[len(cmds)-1] != "live" {
			t.Errorf("%s: End did not go live: %v", r.id, cmds)
		}
	}
	if f.Replaying() || f.Replay.Where.Text != "● Live" {
		t.Errorf("after End: %q", f.Replay.Where.Text)
	}
	test.Tap(f.Replay.Back10)
	if !f.Replaying() {
		t.Error("the 10 s button did not replay")
	}
	test.Tap(f.Replay.Live)
	if f.Replaying() {
		t.Error("the Live button did not return to live")
	}
}

// TestFocusFeedsTheAttention: a webcam that goes black while focused is
// flagged (the grid's feeds are closed then); a replay is not analysed.
func TestFocusFeedsTheAttention(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 4, 9, 14, 0, 0, time.UTC)}
	a, b := connectClockApp(t, 4, clk)
	a.live.OpenFocus("exam01") // s02 webcam, s03 screen
	cam := b.open()["s02"]
	sc := &scene{rng: rand.New(rand.NewPCG(5, 5))}
	for k := 0; k <= 10; k++ {
		clk.t = clk.t.Add(time.Second)
		cam.pushImage(sc.dark())
		a.pump(true)
	}
	if c := a.live.Attention.Cue("s02"); c != CueBlack {
		t.Fatalf("focused webcam dark for 10 s: cue %q", c.Word())
	}
	if c := a.live.Focus.Tiles()[0].Cue(); c != CueBlack {
		t.Errorf("focus tile shows %q", c.Word())
	}
	a.live.Focus.Back(ReplayShort)
	for k := 0; k <= 10; k++ {
		clk.t = clk.t.Add(time.Second)
		cam.pushImage(sc.live(k))
		a.pump(true)
	}
	if c := a.live.Attention.Cue("s02"); c != CueBlack {
		t.Errorf("pictures of a replay judged: cue %q", c.Word())
	}
}
