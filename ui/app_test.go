package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"proctor/proto"
)

type fakeBackend struct {
	*fakeLive
	*fakeArchive
	once sync.Once
}

func (b *fakeBackend) Close() error { b.once.Do(func() { close(b.events) }); return nil }

type fakeDialer struct {
	backend *fakeBackend
	err     error
	got     []string
}

func (d *fakeDialer) Dial(ctx context.Context, server, token string) (Backend, error) {
	d.got = append(d.got, server+" "+token)
	if d.err != nil {
		return nil, d.err
	}
	return d.backend, nil
}

// newTestApp starts the app on a test driver without its ticker, and
// connects when d has a backend.
func newTestApp(t *testing.T, d *fakeDialer) *App {
	t.Helper()
	test.NewTempApp(t)
	now := time.Date(2026, 11, 2, 9, 30, 15, 0, time.Local)
	a := New(fyne.CurrentApp(), Config{Dialer: d, manualPump: true, Now: func() time.Time { return now }})
	t.Cleanup(a.Close)
	a.win.Resize(fyne.NewSize(1280, 800))
	return a
}

func connectTestApp(t *testing.T, n int) (*App, *fakeBackend) {
	t.Helper()
	b := &fakeBackend{fakeLive: newFakeLive(), fakeArchive: &fakeArchive{}}
	a := newTestApp(t, &fakeDialer{backend: b})
	a.connect.Server.SetText("http://127.0.0.1:8750")
	a.connect.Token.SetText("tok")
	test.Tap(a.connect.Button)
	a.settle()
	if a.Live() == nil {
		t.Fatal("not connected")
	}
	a.event(protoSentinels{sentinels(n)}.msg())
	return a, b
}

func TestConnectErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"unreachable", fmt.Errorf("%w: dial tcp: connection refused", ErrUnreachable), "Cannot reach a Proctor server at http://127.0.0.1:1"},
		{"refused token", fmt.Errorf("%w: 401", ErrRefused), "The server refused the token"},
		{"other version", fmt.Errorf("%w: server speaks protocol 2", ErrVersion), "incompatible version"},
		{"bad address", fmt.Errorf("%w: ftp", ErrAddress), "is not a server address"},
		{"anything else", errors.New("boom"), "Could not connect: boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := &fakeDialer{err: c.err}
			a := newTestApp(t, d)
			test.Type(a.connect.Server, "http://127.0.0.1:1")
			test.Type(a.connect.Token, "secret")
			test.Tap(a.connect.Button)
			a.settle()
			if got := a.connect.Status.Text; !strings.Contains(got, c.want) {
				t.Errorf("status %q, want it to contain %q", got, c.want)
			}
			if a.connect.Button.Disabled() {
				t.Error("connect button stays disabled after the error")
			}
			if len(d.got) != 1 || d.got[0] != "http://127.0.0.1:1 secret" {
				t.Errorf("dialed %q", d.got)
			}
			if a.Live() != nil {
				t.Error("live screen shown after an error")
			}
		})
	}
	d := &fakeDialer{err: fmt.Errorf("%w: x", ErrRefused)}
	a := newTestApp(t, d)
	a.connect.Server.SetText("http://h:1")
	test.Tap(a.connect.Button)
	a.settle()
	test.AssertRendersToMarkup(t, "connect_refused.xml", a.win.Canvas())
}

func TestConnectRemembersServer(t *testing.T) {
	a, _ := connectTestApp(t, 1)
	if got := a.fa.Preferences().String(prefServer); got != "http://127.0.0.1:8750" {
		t.Errorf("remembered server %q", got)
	}
	a.event(ConnState{Connected: false, Retrying: true, Err: errors.New("connection reset")})
	if st := a.live.Grid.Tiles()[0].State(); st != StateReconnecting {
		t.Errorf("tile state %q while reconnecting", st)
	}
	if !strings.Contains(a.live.status.Text, "Reconnecting") {
		t.Errorf("status %q", a.live.status.Text)
	}
	a.event(ConnState{Connected: true})
	if st := a.live.Grid.Tiles()[0].State(); st != StateLive {
		t.Errorf("tile state %q after reconnect", st)
	}
}

func TestFocusAndBackWithMouse(t *testing.T) {
	a, b := connectTestApp(t, 8)
	g := a.live.Grid
	test.Tap(g.Tiles()[2]) // s02, session exam01 with s02 (webcam) and s03 (screen)
	f := a.live.Focus
	if f == nil || f.Session != "exam01" || len(f.Tiles()) != 2 {
		t.Fatalf("focus %+v", f)
	}
	open := b.open()
	if len(open) != 2 || open["s02"] == nil || open["s03"] == nil {
		t.Fatalf("feeds while focused: %v", keys(open))
	}
	if !b.boosts["s02"] || !b.boosts["s03"] {
		t.Errorf("focus did not ask for keyframe and fps: %v", b.boosts)
	}
	if open["s02"].options().KeyframesOnly {
		t.Error("focused tile decodes keyframes only")
	}
	test.AssertRendersToMarkup(t, "focus.xml", a.win.Canvas())
	a.live.CloseFocus() // the Grid (Esc) button
	if a.live.Focus != nil || b.boosts["s02"] || b.boosts["s03"] {
		t.Errorf("focus not withdrawn: %v", b.boosts)
	}
	if len(b.open()) != 8 {
		t.Errorf("grid feeds after focus: %d", len(b.open()))
	}
}

func TestFocusAndBackWithKeyboard(t *testing.T) {
	a, b := connectTestApp(t, 9)
	c := a.win.Canvas()
	key := func(k fyne.KeyName) { c.OnTypedKey()(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyRight)
	key(fyne.KeyDown) // 3x3: index 4
	if a.live.Grid.Selected() != 4 || !a.live.Grid.Tiles()[4].Selected() {
		t.Fatalf("selection %d", a.live.Grid.Selected())
	}
	key(fyne.KeyReturn)
	if a.live.Focus == nil || a.live.Focus.Session != "exam02" {
		t.Fatalf("Enter did not focus exam02")
	}
	key(fyne.KeyEscape)
	if a.live.Focus != nil {
		t.Fatal("Esc did not leave focus")
	}
	test.TypeOnCanvas(c, "9") // tile 9 is s08, alone in exam04
	if a.live.Focus == nil || a.live.Focus.Session != "exam04" || len(a.live.Focus.Tiles()) != 1 {
		t.Fatalf("9 did not focus exam04")
	}
	key(fyne.KeyEscape)
	test.TypeOnCanvas(c, "g")
	if a.live.Grid.Mode() != 1 || len(b.open()) != 1 {
		t.Errorf("G: mode %d, %d feeds", a.live.Grid.Mode(), len(b.open()))
	}
	test.TypeOnCanvas(c, "s")
	if !a.live.Grid.Tiles()[0].showStats {
		t.Error("S did not show stats")
	}
	key(fyne.KeyPageDown)
	if a.live.Grid.Page() != 1 {
		t.Errorf("page %d after Page Down", a.live.Grid.Page())
	}
}

func TestMarkerDialog(t *testing.T) {
	a, b := connectTestApp(t, 4)
	test.TypeOnCanvas(a.win.Canvas(), "m")
	if a.popup == nil || a.popup.Hidden {
		t.Fatal("M did not open the marker dialog")
	}
	f := findMarkerForm(t, a)
	if !f.Save.Disabled() {
		t.Error("save enabled without a label")
	}
	test.AssertRendersToMarkup(t, "marker_dialog.xml", a.win.Canvas())
	test.Type(f.Label, "Phone")
	test.Type(f.Note, "on the desk")
	if f.Save.Disabled() {
		t.Fatal("save disabled with a label")
	}
	test.Tap(f.Save)
	a.settle()
	if len(b.markers) != 1 {
		t.Fatalf("markers %+v", b.markers)
	}
	m := b.markers[0]
	if m.Label != "Phone" || m.Note != "on the desk" || m.Sentinel != "s00" || m.Session != "exam00" || m.Time.Minute() != 30 {
		t.Errorf("marker %+v", m)
	}
	if a.popup != nil {
		t.Error("dialog still open after saving")
	}
	// Esc cancels.
	test.TypeOnCanvas(a.win.Canvas(), "m")
	a.win.Canvas().Unfocus()
	a.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if a.popup != nil {
		t.Error("Esc did not close the dialog")
	}
}

func findMarkerForm(t *testing.T, a *App) *MarkerForm {
	t.Helper()
	if a.lastMarkerForm == nil {
		t.Fatal("no marker form")
	}
	return a.lastMarkerForm
}

func TestHelpListsShortcuts(t *testing.T) {
	a, _ := connectTestApp(t, 1)
	test.TypeOnCanvas(a.win.Canvas(), "?")
	if a.popup == nil {
		t.Fatal("no help")
	}
	md := test.RenderToMarkup(a.win.Canvas())
	for _, want := range []string{"Keyboard shortcuts", "Page Up / Page Down", "flag an incident"} {
		if !strings.Contains(md, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

var _ = proto.Marker{}
