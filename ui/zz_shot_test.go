package ui

import (
	"image/color"
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestZZShot(t *testing.T) {
	a, b := connectTestApp(t, 8)
	for _, f := range b.open() {
		f.push(color.RGBA{60, 120, 160, 255})
	}
	a.live.Pump(false)
	test.Tap(a.live.Grid.Tiles()[2])
	for _, f := range b.open() {
		f.push(color.RGBA{60, 160, 90, 255})
	}
	a.live.Pump(false)
	save := func(name string) {
		img := a.win.Canvas().Capture()
		fh, _ := os.Create("/tmp/" + name + ".png")
		png.Encode(fh, img)
		fh.Close()
	}
	save("focus")
	a.live.Focus.SetPiP(true)
	save("focus_pip")
}
