package ui

import (
	"image"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// scene draws the pictures of a synthetic feed: a noisy webcam picture
// with a moving block, a frozen copy of one, or a dark one.
type scene struct {
	rng    *rand.Rand
	frozen *image.RGBA
}

func (s *scene) live(n int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 128, 72))
	for i := 0; i < len(img.Pix); i += 4 {
		v := uint8(90 + s.rng.IntN(12)) // sensor noise around mid grey
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v, 255
	}
	x := (n * 7) % 100 // a person-sized block that moves
	for y := 20; y < 60; y++ {
		for c := x; c < x+24; c++ {
			o := img.PixOffset(c, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2] = 200, 160, 140
		}
	}
	return img
}

func (s *scene) dark() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 128, 72))
	for i := 0; i < len(img.Pix); i += 4 {
		v := uint8(s.rng.IntN(6)) // a covered lens: near black with noise
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v, 255
	}
	return img
}

// TestAttentionFlagsWithinThreshold plays four feeds of a 2 s GOP as a
// keyframe-only tile sees them (one picture and one segment every 2 s):
// after a minute of normal pictures one freezes, one goes black, one goes
// offline. Each must be flagged within its threshold plus one segment and
// move its session to the front in "needs attention first" order; the
// normal one is never flagged.
func TestAttentionFlagsWithinThreshold(t *testing.T) {
	prefs := DefaultAttentionPrefs
	const seg = 2 * time.Second
	cases := []struct {
		name      string
		cue       Cue
		threshold time.Duration
	}{
		{"freezes", CueFrozen, prefs.FrozenAfter},
		{"goes-black", CueBlack, prefs.BlackAfter},
		{"goes-offline", CueOffline, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := NewAttention(prefs)
			t0 := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
			ids := []string{"cam-2", "cam-10", "cam-9"} // cam-10 misbehaves
			sc := map[string]*scene{}
			for i, id := range ids {
				sc[id] = &scene{rng: rand.New(rand.NewPCG(uint64(i), 7))}
				a.SetSentinel(id, StateLive, "webcam", t0)
			}
			event := t0.Add(60 * time.Second)
			var flagged time.Time
			for k := 0; k < 60; k++ {
				now := t0.Add(time.Duration(k) * seg)
				for _, id := range ids {
					s := sc[id]
					img := s.live(k)
					if id == "cam-10" && !now.Before(event) {
						switch c.cue {
						case CueFrozen:
							if s.frozen == nil {
								s.frozen = img
							}
							img = s.frozen
						case CueBlack:
							img = s.dark()
						case CueOffline:
							a.SetSentinel(id, StateOffline, "webcam", now)
							continue
						}
					}
					a.Segment(id, SegmentInfo{Time: now, Duration: seg, Size: 90_000 + s.rng.IntN(20_000), Keyframe: true})
					a.Picture(id, img, now)
				}
				for _, ev := range a.Tick(now) {
					if ev.ID != "cam-10" {
						t.Fatalf("normal feed flagged: %s", ev.Text())
					}
					if ev.Cue != c.cue {
						t.Fatalf("cam-10 flagged %v, want %v", ev.Cue.Word(), c.cue.Word())
					}
					if flagged.IsZero() {
						flagged = ev.At
					}
				}
			}
			if flagged.IsZero() {
				t.Fatalf("cam-10 never flagged %s", c.cue.Word())
			}
			if late := flagged.Sub(event); late > c.threshold+seg || late < c.threshold {
				t.Errorf("flagged %v after the event, want within %v + one segment", late, c.threshold)
			}
			list := []proto.SentinelInfo{}
			for _, id := range ids {
				list = append(list, proto.SentinelInfo{ID: id, Session: "exam-" + id, Source: "webcam"})
			}
			r := NewRoster()
			r.Apply(&proto.Sentinels{Sentinels: list})
			ordered := r.List("")
			if got := []string{ordered[0].ID, ordered[1].ID, ordered[2].ID}; got[0] != "cam-2" || got[1] != "cam-9" || got[2] != "cam-10" {
				t.Fatalf("by name: %v, want cam-2 cam-9 cam-10", got)
			}
			AttentionFirst(ordered, a.Cue)
			if got := []string{ordered[0].ID, ordered[1].ID, ordered[2].ID}; got[0] != "cam-10" || got[1] != "cam-2" || got[2] != "cam-9" {
				t.Errorf("needs attention first: %v, want cam-10 cam-2 cam-9", got)
			}
		})
	}
}

func TestAttentionBurstAndMarker(t *testing.T) {
	a := NewAttention(DefaultAttentionPrefs)
	t0 := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	a.SetSentinel("s1", StateLive, "screen", t0)
	size := func(k int) int {
		if k >= 40 && k < 43 {
			return 400_000 // a window switch: big P-frames
		}
		return 60_000
	}
	var got []Cue
	for k := 0; k < 60; k++ {
		now := t0.Add(time.Duration(k) * time.Second)
		a.Segment("s1", SegmentInfo{Time: now, Duration: time.Second, Size: size(k)})
		for _, ev := range a.Tick(now) {
			got = append(got, ev.Cue)
			if ev.Cue == CueBurst && (ev.At.Before(t0.Add(40*time.Second)) || ev.At.After(t0.Add(41*time.Second))) {
				t.Errorf("burst flagged at %v, want at 40-41 s", ev.At.Sub(t0))
			}
		}
		if k == 50 {
			if c := a.Cue("s1"); c != CueNone {
				t.Errorf("the burst did not end: %v", c.Word())
			}
			a.Marker("s1", now)
		}
		if k == 50+int(DefaultAttentionPrefs.MarkerFor/time.Second) {
			break
		}
	}
	if len(got) != 2 || got[0] != CueBurst || got[1] != CueMarker {
		t.Fatalf("events %v, want burst then marker", got)
	}
	// A screen that stays the same is a page being read, not frozen.
	img := (&scene{rng: rand.New(rand.NewPCG(1, 1))}).live(0)
	for k := 0; k < 30; k++ {
		a.Picture("s1", img, t0.Add(time.Duration(100+k)*time.Second))
	}
	if c := a.Cue("s1"); c == CueFrozen {
		t.Error("a still screen flagged frozen")
	}
}

func TestAttentionPrefsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		p    AttentionPrefs
		ok   bool
	}{
		{"zero fills defaults", AttentionPrefs{}, true},
		{"negative duration", AttentionPrefs{FrozenAfter: -time.Second}, false},
		{"luma over 255", AttentionPrefs{BlackLuma: 300}, false},
		{"ratio that flags all", AttentionPrefs{BurstRatio: 1.01}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Validate()
			if (err == nil) != c.ok {
				t.Fatalf("Validate() = %v, ok %v", err, c.ok)
			}
			if c.ok && c.p != DefaultAttentionPrefs {
				t.Errorf("filled %+v", c.p)
			}
		})
	}
}

func TestNaturalLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		less bool
	}{
		{"cam-2", "cam-10", true},
		{"cam-10", "cam-2", false},
		{"exam-ada", "exam-bob", true},
		{"cam-02", "cam-2", true}, // equal numbers: the plain order decides
		{"cam", "cam-1", true},
		{"a10b2", "a10b10", true},
	} {
		if got := naturalLess(c.a, c.b); got != c.less {
			t.Errorf("naturalLess(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestAttentionForm: bad entries are refused with a message and change
// nothing; good ones are saved, stored and applied.
func TestAttentionForm(t *testing.T) {
	a, _ := connectTestApp(t, 2)
	a.ShowAttentionPrefs()
	f := NewAttentionForm(a.live.Attention.Prefs())
	var saved []AttentionPrefs
	f.OnSave = func(p AttentionPrefs) { saved = append(saved, p) }
	for _, c := range []struct {
		field     *widget.Entry
		text, msg string
	}{
		{f.Frozen, "soon", "frozen after must be a positive number"},
		{f.Burst, "1.0", "burst ratio 1 under 1.1"},
		{f.Dark, "300", "luma thresholds must be 0-255"},
	} {
		old := c.field.Text
		c.field.SetText(c.text)
		test.Tap(f.Save)
		if !strings.Contains(f.Status.Text, c.msg) || len(saved) != 0 {
			t.Errorf("%q: status %q, saved %d", c.text, f.Status.Text, len(saved))
		}
		c.field.SetText(old)
	}
	f.Frozen.SetText("12.5")
	test.Tap(f.Save)
	if len(saved) != 1 || saved[0].FrozenAfter != 12500*time.Millisecond || saved[0].BlackAfter != DefaultAttentionPrefs.BlackAfter {
		t.Fatalf("saved %+v", saved)
	}
	// Through the app: stored in the preferences and in use at once.
	a.closePopup()
	a.ShowAttentionPrefs()
	f2 := a.live.attnForm
	f2.Black.SetText("6")
	test.Tap(f2.Save)
	if got := a.live.Attention.Prefs().BlackAfter; got != 6*time.Second {
		t.Errorf("in use: %v", got)
	}
	if got := loadAttentionPrefs(a.fa.Preferences()).BlackAfter; got != 6*time.Second {
		t.Errorf("stored: %v", got)
	}
}

// TestAttentionBadInput: pictures of odd sizes and offsets, segments with
// zero, negative or far-apart times and sizes harm nothing and flag
// nothing by themselves.
func TestAttentionBadInput(t *testing.T) {
	a := NewAttention(AttentionPrefs{BurstRatio: 0.5}) // invalid: the defaults apply
	if a.Prefs() != DefaultAttentionPrefs {
		t.Errorf("invalid prefs kept: %+v", a.Prefs())
	}
	t0 := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(4, 4))
	for k := 0; k < 2000; k++ {
		now := t0.Add(time.Duration(k) * 300 * time.Millisecond)
		w, h := rng.IntN(5), rng.IntN(5)
		img := image.NewRGBA(image.Rect(3, 7, 3+w, 7+h)).SubImage(image.Rect(3, 7, 3+w, 7+h)).(*image.RGBA)
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.IntN(256))
		}
		a.Picture("odd", img, now)
		a.Picture("odd", nil, now)
		at := now.Add(time.Duration(rng.Int64N(int64(time.Hour))) - 30*time.Minute)
		a.Segment("odd", SegmentInfo{Time: at, Duration: time.Duration(rng.Int64N(int64(time.Second))) - 500*time.Millisecond, Size: rng.IntN(1000) - 10})
		a.Segment("odd", SegmentInfo{})
		for _, ev := range a.Tick(now) {
			if ev.Cue == CueBlack || ev.Cue == CueFrozen {
				t.Fatalf("flagged by bad input: %s", ev.Text())
			}
		}
	}
	if Cue(99).Word() != "" || (AttentionEvent{ID: "x", Cue: -1, At: t0}).Text() != "x ? 09:00:00" {
		t.Error("an unknown cue has words")
	}
}
