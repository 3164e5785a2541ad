// Package assets holds the files embedded in the proctor binary: the app
// icon (also used by fyne package through FyneApp.toml).
package assets

import _ "embed"

// Icon is the app icon, a 512x512 PNG.
//
//go:embed icon.png
var Icon []byte
