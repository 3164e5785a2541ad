package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// stripBin is the width of one activity bar, in units.
const stripBin = 3

var (
	stripColor = color.NRGBA{0x1e, 0x88, 0xe5, 0xd0}
	loudColor  = color.NRGBA{0xff, 0xb3, 0x00, 0xff}
)

// stripObjects are the bars of the activity strips, one row per Sentinel,
// one bar per stripBin units. Levels are kept for the window they were
// computed for, so moving the handle (a Refresh per frame) recomputes
// nothing.
type stripObjects struct {
	bars   [][]*canvas.Rectangle
	levels [][]float32
	key    stripKey
}

// stripKey is what the levels depend on.
type stripKey struct {
	from, to time.Time
	n        int
	acts     []*Activity
}

func (k stripKey) same(o stripKey) bool {
	if !k.from.Equal(o.from) || !k.to.Equal(o.to) || k.n != o.n || len(k.acts) != len(o.acts) {
		return false
	}
	for i := range k.acts {
		if k.acts[i] != o.acts[i] {
			return false
		}
	}
	return true
}

// layout computes (when the window changed) and places the bars, rows
// stacked from y down.
func (s *stripObjects) layout(t *Timeline, w, y float32) {
	n := int(w / stripBin)
	key := stripKey{from: t.model.From, to: t.model.To, n: n, acts: t.activity}
	if !key.same(s.key) {
		s.levels = s.levels[:0]
		for i, a := range t.activity {
			var buf []float32
			if i < cap(s.levels) {
				buf = s.levels[:i+1][i]
			}
			s.levels = append(s.levels, a.Levels(key.from, key.to, n, buf))
		}
		s.key = key
	}
	for len(s.bars) < len(s.levels) {
		s.bars = append(s.bars, nil)
	}
	s.bars = s.bars[:len(s.levels)]
	for row, lv := range s.levels {
		// Bursts against the Sentinel's own baseline are drawn in the
		// loud colour, so the minutes worth a look stand out.
		loud := t.activity[row].Loud()
		for len(s.bars[row]) < len(lv) {
			s.bars[row] = append(s.bars[row], canvas.NewRectangle(stripColor))
		}
		s.bars[row] = s.bars[row][:len(lv)]
		bottom := y + float32(row+1)*stripRow - 1
		for b, v := range lv {
			rc := s.bars[row][b]
			rc.Hidden = v < 0.02
			if rc.Hidden {
				continue
			}
			h := max(1, v*(stripRow-3))
			c := color.Color(stripColor)
			if v >= loud {
				c = loudColor
			}
			if rc.FillColor != c {
				rc.FillColor = c
			}
			rc.Move(fyne.NewPos(float32(b)*stripBin, bottom-h))
			rc.Resize(fyne.NewSize(stripBin-0.5, h))
		}
	}
}

// appendTo adds the bars to objs (hidden ones too: a Layout without a
// Refresh, on a resize, may show them).
func (s *stripObjects) appendTo(objs []fyne.CanvasObject) []fyne.CanvasObject {
	for _, row := range s.bars {
		for _, rc := range row {
			objs = append(objs, rc)
		}
	}
	return objs
}
