package ui

import (
	"context"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"proctor/proto"
)

// ShowBrowser shows the session browser (live feeds are dropped meanwhile).
func (a *App) ShowBrowser() {
	if a.backend == nil {
		return
	}
	a.closeReview()
	a.live.Suspend()
	if a.browser == nil {
		a.browser = NewBrowser(a.backend, a.async)
		a.browser.OnBack = a.BackToLive
		a.browser.OnOpen = a.openSession
	}
	a.win.SetContent(a.browser.Content)
	a.browser.Load()
}

// BackToLive returns to the grid.
func (a *App) BackToLive() {
	a.closeReview()
	a.showLive()
}

// Browser is the session browser (nil until first shown).
func (a *App) Browser() *Browser { return a.browser }

// Review is the open review screen, if any.
func (a *App) Review() *ReviewScreen { return a.review }

// OpenReview fetches session sid and opens it for review.
func (a *App) OpenReview(sid string) {
	a.async(func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		s, err := a.backend.Session(ctx, sid)
		return func() {
			if err != nil {
				a.live.status.SetText("Cannot open " + sid + ": " + err.Error())
				return
			}
			a.openSession(s)
		}
	})
}

func (a *App) openSession(s proto.Session) {
	a.closeReview()
	a.live.Suspend()
	r := NewReviewScreen(a.backend, a.async, s)
	r.OnBack = func() {
		if a.browser != nil {
			a.ShowBrowser()
		} else {
			a.BackToLive()
		}
	}
	r.OnFlag = func(sentinel string, t time.Time) {
		a.flagMarker(s.ID, sentinel, t, r.AddMarker)
	}
	r.OnExport = func() { a.showExport(r) }
	a.review = r
	a.win.SetContent(r.Content)
}

func (a *App) closeReview() {
	if a.review != nil {
		a.review.Close()
		a.review = nil
	}
}

func (a *App) showExport(r *ReviewScreen) {
	dir, err := os.UserHomeDir()
	if err != nil {
		dir = os.TempDir()
	}
	m := r.Timeline.Model()
	f := NewExportForm(a.backend, a.async, r.session.ID, r.session.Sentinels, m.From, m.To, dir)
	f.OnClose = func() { a.closePopup() }
	f.ChooseFolder = func(dir string, set func(string)) {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				set(u.Path())
			}
		}, a.win)
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
		d.Show()
	}
	a.setPopup(showModal(a.win.Canvas(), f.Content, fyne.NewSize(520, 0)))
}
