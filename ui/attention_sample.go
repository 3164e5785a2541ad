package ui

import (
	"image"
	"time"
)

// lumaSample is a coarse grid of luma values taken from a picture: enough
// to tell a frozen or dark picture, cheap at any picture size (576 reads
// whatever the tile decodes).
type lumaSample struct {
	v [sampleCols * sampleRows]uint8
}

const sampleCols, sampleRows = 32, 18

// take fills s from img and returns the mean luma (0-255).
func (s *lumaSample) take(img *image.RGBA) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return 0
	}
	sum := 0
	for r := 0; r < sampleRows; r++ {
		y := b.Min.Y + (2*r+1)*h/(2*sampleRows)
		row := img.Pix[(y-b.Min.Y)*img.Stride:]
		for c := 0; c < sampleCols; c++ {
			x := (2*c + 1) * w / (2 * sampleCols)
			p := row[4*x : 4*x+3 : 4*x+3]
			// BT.601 luma in integers: (77 R + 150 G + 29 B) / 256.
			l := uint8((77*int(p[0]) + 150*int(p[1]) + 29*int(p[2])) >> 8)
			s.v[r*sampleCols+c] = l
			sum += int(l)
		}
	}
	return float64(sum) / float64(len(s.v))
}

// diff is the mean absolute luma difference to o.
func (s *lumaSample) diff(o *lumaSample) float64 {
	d := 0
	for i, v := range s.v {
		if w := o.v[i]; v > w {
			d += int(v - w)
		} else {
			d += int(w - v)
		}
	}
	return float64(d) / float64(len(s.v))
}

// activity keeps a feed's received bytes in bins of binSpan of capture
// time, so its bitrate over the last seconds can be compared with its
// own baseline over the minute before. It costs a few additions per
// segment and never decodes.
type activity struct {
	bytes [activityBins]int64
	dur   [activityBins]time.Duration
	head  int64 // index (capture time / binSpan) of the newest bin; 0: empty
	first int64 // index of the first bin ever filled
}

const (
	binSpan      = time.Second
	activityBins = 64
	recentBins   = 3 // the window judged against the baseline
)

func (a *activity) add(s SegmentInfo) {
	if s.Size <= 0 || s.Time.IsZero() {
		return
	}
	i := s.Time.UnixNano() / int64(binSpan)
	switch {
	case a.head == 0:
		a.head, a.first = i, i
		a.clear(i)
	case i > a.head:
		for k := a.head + 1; k <= i && k <= a.head+activityBins; k++ {
			a.clear(k)
		}
		a.head = i
	case i <= a.head-activityBins:
		return // older than the bins kept
	}
	a.bytes[i%activityBins] += int64(s.Size)
	a.dur[i%activityBins] += max(s.Duration, 0)
}

func (a *activity) clear(i int64) {
	a.bytes[i%activityBins], a.dur[i%activityBins] = 0, 0
}

// rate is the bytes per second of bins [lo, hi] and the media time they cover.
func (a *activity) rate(lo, hi int64) (float64, time.Duration) {
	var b int64
	var d time.Duration
	for i := max(lo, a.head-activityBins+1); i <= hi; i++ {
		b += a.bytes[i%activityBins]
		d += a.dur[i%activityBins]
	}
	if d <= 0 {
		return 0, 0
	}
	return float64(b) / d.Seconds(), d
}

// burstFloor is the least bitrate rise (bytes per second) that counts as
// a burst: a feed idling at a few kb/s that doubles is still idle.
const burstFloor = 8_000

// burst reports whether the recent bins' rate exceeds the baseline's by
// the configured ratio. The newest bin may still be filling; it is
// judged together with the two before it.
func (a *activity) burst(p AttentionPrefs) bool {
	if a.head == 0 || time.Duration(a.head-a.first)*binSpan < p.BurstBaseline+recentBins*binSpan {
		return false
	}
	recent, rd := a.rate(a.head-recentBins+1, a.head)
	base, bd := a.rate(a.head-activityBins+1, a.head-recentBins)
	if rd <= 0 || bd < p.BurstBaseline/2 {
		return false
	}
	return recent > p.BurstRatio*base && recent-base > burstFloor
}
