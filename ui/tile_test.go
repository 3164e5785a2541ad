package ui

import (
	"image"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestTileStatesAndStats(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTile("s1", "Ada Lovelace", "exam-ada-cam · webcam")
	tl.Resize(fyne.NewSize(320, 180))
	for _, c := range []struct{ state, overlay string }{
		{StateLive, ""}, {StateStalled, "Stalled"}, {StateOffline, "Offline"}, {StateReconnecting, "Reconnecting…"},
	} {
		tl.SetInfo("Ada Lovelace", "exam-ada-cam · webcam", c.state)
		md := test.RenderObjectToMarkup(tl)
		if c.overlay != "" && !strings.Contains(md, ">"+c.overlay+"</text>") {
			t.Errorf("%s: no %q overlay", c.state, c.overlay)
		}
	}
	tl.SetInfo("Ada Lovelace", "exam-ada-cam · webcam", StateStalled)
	tl.SetStats(FeedStats{FPS: 5, Bitrate: 240_000, Latency: 180e6})
	if strings.Contains(test.RenderObjectToMarkup(tl), "kb/s") {
		t.Error("stats shown without hover or S")
	}
	tl.MouseIn(nil)
	if !strings.Contains(test.RenderObjectToMarkup(tl), "5 fps  240 kb/s  180 ms") {
		t.Error("no stats on hover")
	}
	tl.MouseOut()
	if !tl.SetFrame(image.NewRGBA(image.Rect(0, 0, 32, 18)), 1) || tl.SetFrame(image.NewRGBA(image.Rect(0, 0, 32, 18)), 1) {
		t.Error("a frame counter is shown once")
	}
	tl.SetShowStats(true)
	test.AssertObjectRendersToMarkup(t, "tile_stalled_stats.xml", tl)
}

// TestTileCaptionFits is the regression test of a small tile's caption:
// the source ran past the tile's right edge (a picture-in-picture tile
// over the focus panel).
func TestTileCaptionFits(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTile("s1", "Ada Lovelace", "exam-ada-screen · screen")
	for _, c := range []struct {
		w      float32
		source bool
	}{{480, true}, {200, false}} {
		tl.Resize(fyne.NewSize(c.w, c.w*9/16))
		r := test.TempWidgetRenderer(t, tl).(*tileRenderer)
		r.Layout(tl.Size())
		if shown := !r.source.Hidden; shown != c.source {
			t.Errorf("%v wide: source shown %v, want %v", c.w, shown, c.source)
		}
		if !r.source.Hidden && r.source.Position().X+r.source.Size().Width > c.w {
			t.Errorf("%v wide: source ends at %v", c.w, r.source.Position().X+r.source.Size().Width)
		}
	}
}
