package ui

import (
	"fyne.io/fyne/v2"
)

// typedKey handles the named keys listed in Shortcuts.
func (a *App) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF1:
		a.ShowHelp()
		return
	case fyne.KeyF11:
		a.ToggleFullScreen()
		return
	case fyne.KeyEscape:
		if a.closePopup() {
			return
		}
		if a.win.FullScreen() {
			a.win.SetFullScreen(false)
			return
		}
	}
	if a.popup != nil && !a.popup.Hidden {
		return
	}
	switch {
	case a.review != nil:
		a.reviewKey(ev.Name)
	case a.browser != nil && a.win.Content() == a.browser.Content:
		switch ev.Name {
		case fyne.KeyEscape:
			a.BackToLive()
		case fyne.KeyReturn, fyne.KeyEnter:
			a.browser.OpenSelected()
		}
	case a.live != nil && a.live.Focus != nil:
		a.focusKey(ev.Name)
	case a.live != nil:
		a.gridKey(ev.Name)
	}
}

func (a *App) gridKey(k fyne.KeyName) {
	g := a.live.Grid
	switch k {
	case fyne.KeyLeft:
		g.Move(-1, 0)
	case fyne.KeyRight:
		g.Move(1, 0)
	case fyne.KeyUp:
		g.Move(0, -1)
	case fyne.KeyDown:
		g.Move(0, 1)
	case fyne.KeyReturn, fyne.KeyEnter:
		g.Open(g.Selected())
	case fyne.KeyPageUp:
		g.SetPage(g.Page() - 1)
	case fyne.KeyPageDown:
		g.SetPage(g.Page() + 1)
	}
}

func (a *App) focusKey(k fyne.KeyName) {
	f := a.live.Focus
	switch k {
	case fyne.KeyEscape:
		a.live.CloseFocus()
	case fyne.KeyLeft, fyne.KeyUp:
		f.Select(f.SelectedIndex() - 1)
	case fyne.KeyRight, fyne.KeyDown:
		f.Select(f.SelectedIndex() + 1)
	case fyne.KeyEnd:
		f.GoLive()
	}
}

// focusRune handles the focus view's replay and layout keys.
func (a *App) focusRune(r rune) {
	f := a.live.Focus
	switch r {
	case '1':
		f.Back(ReplayShort)
	case '3':
		f.Back(ReplayLong)
	case 'l', 'L':
		f.GoLive()
	case 'x', 'X':
		f.Swap()
	case 'p', 'P':
		f.SetPiP(!f.PiP())
	}
}

func (a *App) reviewKey(k fyne.KeyName) {
	r := a.review
	switch k {
	case fyne.KeyEscape:
		r.OnBack()
	case fyne.KeyLeft:
		r.Jump(-JumpStep)
	case fyne.KeyRight:
		r.Jump(JumpStep)
	}
}

// typedRune handles the letter and number keys listed in Shortcuts. It
// only sees keys typed while no entry has the keyboard focus.
func (a *App) typedRune(r rune) {
	if r == '?' {
		a.ShowHelp()
		return
	}
	if (a.popup != nil && !a.popup.Hidden) || a.live == nil {
		return
	}
	if a.review != nil {
		a.reviewRune(r)
		return
	}
	if a.browser != nil && a.win.Content() == a.browser.Content {
		return
	}
	switch r {
	case 's', 'S':
		a.live.ToggleStats()
	case 'm', 'M':
		a.live.FlagSelected()
	case 'r', 'R':
		a.ShowBrowser()
	}
	if a.live.Focus != nil {
		a.focusRune(r)
		return
	}
	switch {
	case r >= '1' && r <= '9':
		a.live.Grid.Select(int(r - '1'))
		a.live.Grid.Open(int(r - '1'))
	case r == 'g' || r == 'G':
		a.live.CycleLayout()
	case r == '/':
		a.win.Canvas().Focus(a.live.Sidebar.Search)
	}
}

func (a *App) reviewRune(c rune) {
	r := a.review
	switch c {
	case ' ':
		r.TogglePlay()
	case ',':
		r.Step(-1)
	case '.':
		r.Step(1)
	case '[':
		r.Slower()
	case ']':
		r.Faster()
	case '+', '=':
		r.Timeline.ZoomIn()
	case '-':
		r.Timeline.ZoomOut()
	case '0':
		r.Timeline.ZoomAll()
	case 'l', 'L':
		r.GoLive()
	case 'm', 'M':
		r.Flag()
	case 'e', 'E':
		if r.OnExport != nil {
			r.OnExport()
		}
	}
}

// releaseFocus takes the keyboard focus from o (a list that was clicked),
// so that the window's shortcuts receive the keys again.
func releaseFocus(o fyne.CanvasObject) {
	fo, ok := o.(fyne.Focusable)
	if !ok {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(o); c != nil && c.Focused() == fo {
		c.Unfocus()
	}
}
