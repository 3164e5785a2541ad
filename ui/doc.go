// Package ui is the desktop app of proctor, built with Fyne: the connect
// screen, the live grid of Sentinels with its sidebar and focus view, the
// marker dialog, the session browser and the review player with its
// timeline, and export.
//
// The package declares the small interfaces it needs from the rest of the
// program (Dialer, Backend, Feed, Playback in services.go); app adapts the
// client and player packages to them, so ui builds and is tested on its own
// with fyne.io/fyne/v2/test and in-memory fakes.
//
// Threading: network and decode goroutines never touch canvas objects. They
// hand decoded *image.RGBA frames to a Feed or Playback; one ticker (see
// frames.go) asks every visible tile for its newest frame at most at display
// rate and swaps it in inside fyne.Do. Every other change made from a
// goroutine (events, HTTP answers) also goes through fyne.Do.
//
// Attention: the same tick hands each new picture and, once a second, the
// segment headers a Feed received to Attention (attention.go), plain Go
// without a window that turns them into cues (offline, stalled, black,
// frozen, a burst against the feed's own baseline, a fresh marker); the
// live screen shows them on the tiles, in the sidebar and the event list.
package ui
