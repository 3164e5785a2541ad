package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Tile states shown as status dots and overlays. The first three mirror
// proto's Sentinel states; Reconnecting is the app's own connection.
const (
	StateLive         = "live"
	StateStalled      = "stalled"
	StateOffline      = "offline"
	StateReconnecting = "reconnecting"
)

// StatusColor is the colour of a status dot.
func StatusColor(state string) color.Color {
	switch state {
	case StateLive:
		return color.NRGBA{0x2e, 0xb8, 0x4f, 0xff}
	case StateStalled:
		return color.NRGBA{0xf0, 0xa0, 0x20, 0xff}
	case StateReconnecting:
		return color.NRGBA{0x3d, 0x8b, 0xfd, 0xff}
	default:
		return color.NRGBA{0x9a, 0x9a, 0x9a, 0xff}
	}
}

// proctorTheme is Fyne's default theme, which follows the system's light or
// dark setting, with the project's accent colour and a dark video backdrop.
type proctorTheme struct{ fyne.Theme }

// Theme returns the app theme.
func Theme() fyne.Theme { return proctorTheme{theme.DefaultTheme()} }

// backdrop is the colour behind pictures, dark in both variants.
var backdrop = color.NRGBA{0x14, 0x16, 0x18, 0xff}

func (t proctorTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return color.NRGBA{0x1f, 0x8a, 0x8a, 0xff}
	}
	return t.Theme.Color(n, v)
}
