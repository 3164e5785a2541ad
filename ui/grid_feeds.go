package ui

import (
	"fyne.io/fyne/v2"

	"proctor/proto"
)

// pageLayout lays out one page of tiles and reports the cell size, which
// decides the decode size and keyframe-only mode of the feeds.
type pageLayout struct {
	mode   int
	onCell func(fyne.Size)
	last   fyne.Size
}

func (l *pageLayout) spec(n int) GridSpec {
	if l.mode > 0 {
		return GridSpec{l.mode, l.mode}
	}
	return AutoGrid(n, l.last)
}

func (l *pageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.last = size
	spec := l.spec(len(objs))
	gl := &gridLayout{spec: spec, gap: 4}
	gl.Layout(objs, size)
	if l.onCell != nil && len(objs) > 0 {
		l.onCell(objs[0].Size())
	}
}

func (l *pageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(160, 90)
}

// cellSized reconfigures the feeds for a new tile size.
func (g *Grid) cellSized(cell fyne.Size) {
	opt := g.optionsFor(cell)
	for id, f := range g.feeds {
		if g.feedOpt[id] != opt {
			g.feedOpt[id] = opt
			f.Configure(opt)
		}
	}
}

// optionsFor returns the feed options for tiles of the given size.
func (g *Grid) optionsFor(cell fyne.Size) FeedOptions {
	scale := float32(1)
	if c := fyne.CurrentApp(); c != nil && c.Driver() != nil {
		if w := c.Driver().AllWindows(); len(w) > 0 {
			scale = w[0].Canvas().Scale()
		}
	}
	w, h := int(cell.Width*scale), int(cell.Height*scale)
	// Decode at the picture's 16:9 box inside the cell, even sizes.
	if float32(w)/float32(max(h, 1)) > tileAspect {
		w = int(float32(h) * tileAspect)
	} else {
		h = int(float32(w) / tileAspect)
	}
	return FeedOptions{Width: max(w&^1, 16), Height: max(h&^1, 16), KeyframesOnly: cell.Width < KeyframeOnlyBelow}
}

// syncFeeds subscribes exactly the Sentinels of the page.
func (g *Grid) syncFeeds(page []proto.SentinelInfo) {
	want := map[string]bool{}
	for _, s := range page {
		want[s.ID] = true
	}
	for id, f := range g.feeds {
		if !want[id] {
			f.Close()
			delete(g.feeds, id)
			delete(g.feedOpt, id)
		}
	}
	if g.live == nil {
		return
	}
	var cell fyne.Size
	if len(g.Content.Objects) > 0 {
		cell = g.Content.Objects[0].Size()
	}
	if cell.Width == 0 {
		spec := g.Spec()
		sz := g.Content.Size()
		cell = fyne.NewSize(sz.Width/float32(max(spec.Cols, 1)), sz.Height/float32(max(spec.Rows, 1)))
	}
	opt := g.optionsFor(cell)
	for _, s := range page {
		if _, ok := g.feeds[s.ID]; !ok {
			g.feeds[s.ID] = g.live.Watch(s.ID, opt)
			g.feedOpt[s.ID] = opt
		}
	}
}
