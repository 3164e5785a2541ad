package ui

import (
	"fyne.io/fyne/v2"

	"proctor/assets"
)

// Icon is the app icon as a Fyne resource.
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", assets.Icon) }
