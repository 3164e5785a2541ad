package ui

import (
	"image"
	"image/color"
	"sort"
	"time"
)

// Cue is why a feed needs a proctor's look. Larger values are more urgent:
// "needs attention first" orders by it.
type Cue int

// The cues, least urgent first.
const (
	CueNone    Cue = iota
	CueBurst       // bitrate well above the feed's own recent baseline
	CueMarker      // a proctor just added a marker
	CueFrozen      // the webcam picture has not changed for FrozenAfter
	CueBlack       // the picture has been dark for BlackAfter
	CueStalled     // the Sentinel is connected but sends nothing
	CueOffline     // the Sentinel is gone
)

// Word is the short text shown on a tile and in the sidebar.
func (c Cue) Word() string {
	if c < CueNone || c > CueOffline {
		return ""
	}
	return [...]string{"", "Activity", "Marker", "Frozen", "Black", "Stalled", "Offline"}[c]
}

// verb is the event list's phrase: "exam-ada-cam froze 09:14:03".
func (c Cue) verb() string {
	if c < CueNone || c > CueOffline {
		return "?"
	}
	return [...]string{"is fine", "activity burst", "marker", "froze", "went black", "stalled", "went offline"}[c]
}

// Color is the tile edge and sidebar dot colour of the cue.
func (c Cue) Color() color.Color {
	switch c {
	case CueBurst:
		return color.NRGBA{0xe0, 0x7b, 0x00, 0xff}
	case CueMarker:
		return color.NRGBA{0xd9, 0x3b, 0xd0, 0xff}
	case CueFrozen:
		return color.NRGBA{0x2f, 0x9b, 0xff, 0xff}
	case CueBlack:
		return color.NRGBA{0xe5, 0x39, 0x35, 0xff}
	case CueStalled:
		return StatusColor(StateStalled)
	case CueOffline:
		return StatusColor(StateOffline)
	}
	return color.Transparent
}

// SegmentInfo is what the attention analysis needs of one received media
// segment: its header's timing and its size. No decoding.
type SegmentInfo struct {
	Time     time.Time // capture time of the first sample
	Duration time.Duration
	Size     int
	Keyframe bool
}

// AttentionEvent is one line of the event list: a feed got a cue.
type AttentionEvent struct {
	ID  string
	Cue Cue
	At  time.Time
}

// Text is the line shown: "exam-ada-cam froze 09:14:03".
func (e AttentionEvent) Text() string {
	return e.ID + " " + e.Cue.verb() + " " + e.At.Local().Format("15:04:05")
}

// Attention computes the cues of many live feeds from what the app gets
// anyway: the roster's states, segment headers and sizes, and the small
// pictures the tiles decode. It is plain data without a window, used on
// the Fyne goroutine (or a test); every input carries its time.
type Attention struct {
	prefs  AttentionPrefs
	feeds  map[string]*feedAttention
	events []AttentionEvent
}

// NewAttention returns an analysis with the given thresholds (validated;
// invalid ones fall back to the defaults).
func NewAttention(p AttentionPrefs) *Attention {
	if p.Validate() != nil {
		p = DefaultAttentionPrefs
	}
	return &Attention{prefs: p, feeds: map[string]*feedAttention{}}
}

// Prefs are the thresholds in use.
func (a *Attention) Prefs() AttentionPrefs { return a.prefs }

// SetPrefs changes the thresholds; the next inputs are judged by them.
func (a *Attention) SetPrefs(p AttentionPrefs) error {
	if err := p.Validate(); err != nil {
		return err
	}
	a.prefs = p
	return nil
}

func (a *Attention) feed(id string) *feedAttention {
	f := a.feeds[id]
	if f == nil {
		f = &feedAttention{state: StateLive}
		a.feeds[id] = f
	}
	return f
}

// SetSentinel records a Sentinel's state and source from the roster.
func (a *Attention) SetSentinel(id, state, source string, now time.Time) {
	f := a.feed(id)
	if f.state != state && state == StateLive {
		f.resetPicture() // the stream starts over: judge new pictures afresh
	}
	f.state, f.screen = state, source == "screen"
	a.judge(id, f, now)
}

// Forget drops a Sentinel that left the roster.
func (a *Attention) Forget(id string) { delete(a.feeds, id) }

// Segment records a received media segment.
func (a *Attention) Segment(id string, s SegmentInfo) {
	a.feed(id).activity.add(s)
}

// Picture records a decoded picture shown at now. Pictures closer than
// pictureEvery to the previous one are ignored, so calling this for every
// frame costs a time comparison.
func (a *Attention) Picture(id string, img *image.RGBA, now time.Time) {
	f := a.feed(id)
	if img == nil || img.Bounds().Empty() || (!f.sampled.IsZero() && now.Sub(f.sampled) < pictureEvery) {
		return
	}
	f.picture(img, now, a.prefs)
	a.judge(id, f, now)
}

// Marker records a marker added on a Sentinel at now.
func (a *Attention) Marker(id string, now time.Time) {
	f := a.feed(id)
	f.markerAt = now
	a.judge(id, f, now)
}

// Tick re-judges every feed at now (time-based cues such as a marker's
// expiry and bursts) and returns the events since the last Tick.
func (a *Attention) Tick(now time.Time) []AttentionEvent {
	for id, f := range a.feeds {
		a.judge(id, f, now)
	}
	ev := a.events
	a.events = nil
	sort.SliceStable(ev, func(i, j int) bool {
		if !ev[i].At.Equal(ev[j].At) {
			return ev[i].At.Before(ev[j].At)
		}
		return ev[i].ID < ev[j].ID // the feeds are judged in map order
	})
	return ev
}

// Cue is a Sentinel's current cue.
func (a *Attention) Cue(id string) Cue {
	if f := a.feeds[id]; f != nil {
		return f.cue
	}
	return CueNone
}

// judge recomputes a feed's cue and records an event when it gets a new
// one (a feed going back to normal makes no event).
func (a *Attention) judge(id string, f *feedAttention, now time.Time) {
	c := f.judge(now, a.prefs)
	if c != f.cue && c != CueNone {
		a.events = append(a.events, AttentionEvent{ID: id, Cue: c, At: now})
	}
	f.cue = c
}

// feedAttention is the state of one feed.
type feedAttention struct {
	state    string
	screen   bool
	cue      Cue
	markerAt time.Time
	activity activity

	sampled   time.Time // last picture sampled
	ref       lumaSample
	haveRef   bool
	changedAt time.Time // when the picture last differed from ref
	darkSince time.Time // zero while the picture is not dark
}

// pictureEvery is how often a feed's picture is sampled.
const pictureEvery = 500 * time.Millisecond

func (f *feedAttention) resetPicture() {
	f.haveRef, f.darkSince, f.sampled = false, time.Time{}, time.Time{}
}

func (f *feedAttention) picture(img *image.RGBA, now time.Time, p AttentionPrefs) {
	var s lumaSample
	mean := s.take(img)
	f.sampled = now
	if mean < p.BlackLuma {
		if f.darkSince.IsZero() {
			f.darkSince = now
		}
	} else {
		f.darkSince = time.Time{}
	}
	if !f.haveRef || s.diff(&f.ref) >= p.FrozenDiff {
		f.ref, f.haveRef, f.changedAt = s, true, now
	}
}

func (f *feedAttention) judge(now time.Time, p AttentionPrefs) Cue {
	switch {
	case f.state == StateOffline:
		return CueOffline
	case f.state == StateStalled:
		return CueStalled
	case !f.darkSince.IsZero() && f.sampled.Sub(f.darkSince) >= p.BlackAfter:
		return CueBlack
	case !f.screen && f.haveRef && f.darkSince.IsZero() && f.sampled.Sub(f.changedAt) >= p.FrozenAfter:
		return CueFrozen
	case !f.markerAt.IsZero() && now.Sub(f.markerAt) < p.MarkerFor:
		return CueMarker
	case f.activity.burst(p):
		return CueBurst
	}
	return CueNone
}
