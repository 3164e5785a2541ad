//go:build !serveronly

package app

import (
	"image"
	"image/draw"
	"image/png"
	"os"
	"testing"
)

// TestProbeScreenshot analyses PROCTOR_PROBE (a screenshot) like the smoke test.
func TestProbeScreenshot(t *testing.T) {
	p := os.Getenv("PROCTOR_PROBE")
	if p == "" {
		t.Skip("PROCTOR_PROBE not set")
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
	tiles := findTiles(rgba)
	t.Logf("%d tiles %v", len(tiles), tiles)
	for _, r := range tiles {
		n, err := frameNumber(rgba, r)
		t.Logf("%v colourful %.2f frame %d %v", r, colourful(rgba, r), n, err)
	}
}
