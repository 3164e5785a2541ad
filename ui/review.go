package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// Speeds offered by the review player.
var Speeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16}

// Review steps.
const (
	JumpStep  = 10 * time.Second
	maxDrift  = 400 * time.Millisecond
	reviewW   = 960
	reviewH   = 540
	liveSlack = 3 * time.Second // a position this close to the end counts as live
)

// ReviewScreen plays one session: all its Sentinels side by side in sync,
// a timeline with recorded ranges, gaps and markers, a marker list, play
// and pause, speeds, frame step, jumps, live, and export.
type ReviewScreen struct {
	Content  fyne.CanvasObject
	Timeline *Timeline
	Play     *widget.Button
	Speed    *widget.Select
	Status   *widget.Label
	Markers  *widget.List

	// OnBack leaves the review; OnFlag opens the marker dialog at t on the
	// selected Sentinel; OnExport opens the export dialog.
	OnBack   func()
	OnFlag   func(sentinel string, t time.Time)
	OnExport func()

	session proto.Session
	archive Archive
	run     runner
	tiles   []*Tile
	plays   []Playback
	markers []proto.Marker
	playing bool
	speed   float64
	grid    *fyne.Container
	ticks   int     // stats ticks, to refresh the ranges of an open session
	thumbs  *thumbs // hover pictures; nil when the archive has none
}

// rangesEvery is how many stats ticks pass between reloads of the
// recorded ranges of a session that is still open.
const rangesEvery = 5

// NewReviewScreen opens session s for review; it loads the segments and
// markers in the background.
func NewReviewScreen(archive Archive, run runner, s proto.Session) *ReviewScreen {
	r := &ReviewScreen{session: s, archive: archive, run: run, speed: 1, playing: true, Status: widget.NewLabel("Loading…")}
	end := time.Now()
	if s.End != nil {
		end = *s.End
	}
	r.Timeline = NewTimeline(s.Start, end)
	r.Timeline.OnPreview = func(t time.Time) { r.each(func(p Playback) { p.Preview(t) }) }
	r.Timeline.OnSeek = r.Seek
	r.Timeline.OnMarker = func(m proto.Marker) { r.Seek(m.Time) }
	if th, ok := archive.(Thumbnailer); ok {
		r.thumbs = newThumbs(th, run, s.ID, r.Timeline.SetThumbs)
		r.Timeline.OnHover = r.thumbs.hover
	}
	objs := []fyne.CanvasObject{}
	open := !proto.SessionFinal(s.State)
	for _, id := range s.Sentinels {
		t := NewTile(id, id, "")
		t.SetCaptionBelow(true) // never over the picture's own caption
		r.tiles = append(r.tiles, t)
		objs = append(objs, t)
		start := s.Start
		r.plays = append(r.plays, archive.Open(s.ID, id, ReviewOptions{Width: reviewW, Height: reviewH, Start: start, Live: open}))
	}
	r.grid = container.New(&pageLayout{}, objs...)
	r.Play = widget.NewButtonWithIcon("", theme.MediaPauseIcon(), r.TogglePlay)
	names := make([]string, len(Speeds))
	for i, x := range Speeds {
		names[i] = fmt.Sprintf("%gx", x)
	}
	r.Speed = widget.NewSelect(names, func(v string) {
		var x float64
		fmt.Sscanf(v, "%gx", &x)
		r.SetSpeed(x)
	})
	r.Speed.SetSelected("1x")
	r.Markers = widget.NewList(func() int { return len(r.markers) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			m := r.markers[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s  %s  (%s)", m.Time.Local().Format("15:04:05"), m.Label, m.Sentinel))
		})
	r.Markers.OnSelected = func(i widget.ListItemID) {
		// Unselected at once, so the same marker can be picked again, and
		// unfocused, so the arrows and space step and pause the player
		// instead of moving through the list.
		r.Markers.UnselectAll()
		releaseFocus(r.Markers)
		if i < len(r.markers) {
			r.Timeline.SetTime(r.markers[i].Time)
			r.Seek(r.markers[i].Time)
		}
	}
	r.Content = r.build(open)
	r.load()
	return r
}

// Session is the session under review.
func (r *ReviewScreen) Session() proto.Session { return r.session }

// Tiles are the pictures, one per Sentinel.
func (r *ReviewScreen) Tiles() []*Tile { return r.tiles }

// Playing reports whether playback runs.
func (r *ReviewScreen) Playing() bool { return r.playing }

func (r *ReviewScreen) each(f func(Playback)) {
	for _, p := range r.plays {
		f(p)
	}
}

// TogglePlay plays or pauses every Sentinel.
func (r *ReviewScreen) TogglePlay() {
	r.playing = !r.playing
	if r.playing {
		r.each(Playback.Play)
		r.Play.SetIcon(theme.MediaPauseIcon())
	} else {
		r.each(Playback.Pause)
		r.Play.SetIcon(theme.MediaPlayIcon())
	}
}

// SetSpeed sets the playback rate of every Sentinel.
func (r *ReviewScreen) SetSpeed(x float64) {
	if x <= 0 || x == r.speed {
		return
	}
	r.speed = x
	r.each(func(p Playback) { p.SetSpeed(x) })
	if s := fmt.Sprintf("%gx", x); r.Speed.Selected != s {
		r.Speed.SetSelected(s)
	}
}

// Faster and Slower step through Speeds.
func (r *ReviewScreen) Faster() { r.stepSpeed(1) }

// Slower is the opposite of Faster.
func (r *ReviewScreen) Slower() { r.stepSpeed(-1) }

func (r *ReviewScreen) stepSpeed(d int) {
	for i, x := range Speeds {
		if x == r.speed {
			r.SetSpeed(Speeds[max(0, min(i+d, len(Speeds)-1))])
			return
		}
	}
	r.SetSpeed(1)
}

// Seek moves every Sentinel to t, keeping play or pause.
func (r *ReviewScreen) Seek(t time.Time) {
	r.each(func(p Playback) { p.Seek(t) })
	if !r.playing {
		r.each(Playback.Pause)
	}
	r.Timeline.SetTime(t)
}

// Jump moves by d from the current position.
func (r *ReviewScreen) Jump(d time.Duration) { r.Seek(r.position().Add(d)) }

// Step shows the next (n > 0) or previous frame and pauses.
func (r *ReviewScreen) Step(n int) {
	if r.playing {
		r.TogglePlay()
	}
	r.each(func(p Playback) { p.Step(n) })
}

// GoLive follows the leading edge of an open session.
func (r *ReviewScreen) GoLive() {
	r.playing = true
	r.Play.SetIcon(theme.MediaPauseIcon())
	r.each(func(p Playback) { p.GoLive() })
	r.Timeline.SetEnd(time.Now())
	r.Timeline.SetTime(time.Now())
}

func (r *ReviewScreen) position() time.Time {
	if len(r.plays) > 0 {
		if p := r.plays[0].Position(); !p.IsZero() {
			return p
		}
	}
	return r.Timeline.Time()
}

// Flag opens the marker dialog at the current position.
func (r *ReviewScreen) Flag() {
	if r.OnFlag != nil && len(r.tiles) > 0 {
		r.OnFlag(r.tiles[0].ID(), r.position())
	}
}

// AddMarker shows a marker saved here or by another proctor.
func (r *ReviewScreen) AddMarker(m proto.Marker) {
	if m.Session != "" && m.Session != r.session.ID {
		return
	}
	for _, old := range r.markers {
		if m.ID != 0 && old.ID == m.ID {
			return // our own marker, echoed by the server
		}
	}
	r.markers = append(r.markers, m)
	r.Timeline.AddMarker(m)
	r.Markers.Refresh()
	r.showStatus()
}

// Event applies a backend event: markers from other proctors appear.
func (r *ReviewScreen) Event(ev any) {
	if e, ok := ev.(*proto.MarkerEvent); ok {
		r.AddMarker(e.Marker)
	}
}

// Pump swaps in new frames, moves the handle and keeps the Sentinels in
// sync: one that drifts more than maxDrift from the first is re-seeked.
func (r *ReviewScreen) Pump(withStats bool) {
	for i, p := range r.plays {
		img, n, _ := p.Frame()
		r.tiles[i].SetFrame(img, n)
	}
	if !r.Timeline.Dragging() {
		if pos := r.position(); !pos.IsZero() {
			r.Timeline.SetTime(pos)
		}
	}
	if !withStats {
		return
	}
	if !proto.SessionFinal(r.session.State) {
		r.Timeline.SetEnd(time.Now())
		if r.ticks++; r.ticks%rangesEvery == 0 {
			r.loadRanges()
		}
	}
	if r.playing && len(r.plays) > 1 {
		lead := r.plays[0].Position()
		for _, p := range r.plays[1:] {
			if d := p.Position().Sub(lead); !lead.IsZero() && (d > maxDrift || d < -maxDrift) {
				p.Seek(lead)
			}
		}
	}
}

// Close stops every playback.
func (r *ReviewScreen) Close() { r.each(Playback.Close) }
