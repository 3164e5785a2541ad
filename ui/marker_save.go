package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"

	"proctor/proto"
)

// markerSaveTimeout is how long the marker dialog says "Saving…" before
// it gives up and lets the proctor try again.
const markerSaveTimeout = 10 * time.Second

// errSaveTimeout is shown when the server did not answer in time.
var errSaveTimeout = errors.New("the server did not answer in time")

// flagMarker opens the marker dialog for one Sentinel at t and saves the
// marker on the server; onSaved (may be nil) gets the stored marker.
//
// The dialog gives up after the timeout by its own clock, not only
// through the call's context: a backend stuck under load (or one that
// does not honour the context) must not leave it on "Saving…". An answer
// that comes later still counts if it is a success (the marker exists:
// the dialog closes if it is still the one shown); a late error is
// dropped, as the proctor has been told already.
func (a *App) flagMarker(session, sentinel string, t time.Time, onSaved func(proto.Marker)) {
	if a.backend == nil {
		return
	}
	f := NewMarkerForm(sentinel, t)
	a.lastMarkerForm = f
	p := showModal(a.win.Canvas(), f.Content, fyne.NewSize(420, 0))
	a.setPopup(p)
	a.win.Canvas().Focus(f.Label)
	closeMine := func() {
		if a.popup == p { // not another dialog opened since
			a.closePopup()
		}
	}
	f.OnCancel = closeMine
	timeout := a.cfg.markerTimeout
	if timeout <= 0 {
		timeout = markerSaveTimeout
	}
	f.OnSave = func(label, note string) {
		f.SetSaving()
		m := proto.Marker{Sentinel: sentinel, Time: t, Label: label, Note: note}
		if a.live != nil {
			a.live.own.add(m, a.cfg.Now())
		}
		type result struct {
			m   proto.Marker
			err error
		}
		done := make(chan result, 1)
		ctx, cancel := context.WithTimeout(a.ctx, timeout)
		a.work.Add(2)
		go func() {
			defer a.work.Done()
			saved, err := a.backend.AddMarker(ctx, session, m)
			done <- result{saved, err}
		}()
		go func() {
			defer a.work.Done()
			defer cancel()
			var r result
			late := false
			select {
			case r = <-done:
			case <-ctx.Done():
				fyne.Do(func() { a.markerFailed(f, m, errSaveTimeout) })
				r, late = <-done, true
			}
			fyne.Do(func() {
				switch {
				case r.err != nil && late:
				case r.err != nil:
					a.markerFailed(f, m, r.err)
				default:
					closeMine()
					if onSaved != nil {
						onSaved(r.m)
					}
				}
			})
		}()
	}
}

// markerFailed tells the proctor a save failed and lets them try again.
func (a *App) markerFailed(f *MarkerForm, m proto.Marker, err error) {
	if a.live != nil {
		a.live.own.drop(m)
	}
	f.SetFailed("Not saved: " + err.Error())
}
