package ui

import "fyne.io/fyne/v2"

// Preference keys. The token is not stored: it is a credential.
const (
	prefServer    = "server"
	prefWidth     = "window.width"
	prefHeight    = "window.height"
	prefGridMode  = "grid.mode"
	prefShowStats = "grid.stats"
)

// defaultWindow is the first window size.
var defaultWindow = fyne.NewSize(1280, 800)

// windowSize returns the remembered window size.
func windowSize(p fyne.Preferences) fyne.Size {
	w := p.FloatWithFallback(prefWidth, float64(defaultWindow.Width))
	h := p.FloatWithFallback(prefHeight, float64(defaultWindow.Height))
	return fyne.NewSize(float32(max(w, 480)), float32(max(h, 320)))
}

// rememberWindow stores the window size for the next start.
func rememberWindow(p fyne.Preferences, s fyne.Size) {
	if s.Width >= 480 && s.Height >= 320 {
		p.SetFloat(prefWidth, float64(s.Width))
		p.SetFloat(prefHeight, float64(s.Height))
	}
}
