package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
)

// AttentionPrefs are the thresholds of the attention cues. The zero value
// is not usable: start from DefaultAttentionPrefs (Validate fills zeros).
type AttentionPrefs struct {
	// FrozenAfter is how long a webcam picture must stay unchanged to be
	// flagged frozen. Screens are never flagged frozen: a page being read
	// legitimately stays still for minutes.
	FrozenAfter time.Duration
	// FrozenDiff is the mean luma difference (0-255) below which two
	// pictures count as the same; a live camera's noise stays above it, a
	// repeated decoded picture is at 0.
	FrozenDiff float64
	// BlackAfter is how long a picture must stay dark to be flagged black.
	BlackAfter time.Duration
	// BlackLuma is the mean luma (0-255) under which a picture is dark.
	BlackLuma float64
	// BurstRatio flags a feed whose bitrate over the last few seconds is
	// this many times its own baseline (the minute before).
	BurstRatio float64
	// BurstBaseline is how much history a feed needs before bursts are
	// judged (a feed that just joined has no baseline).
	BurstBaseline time.Duration
	// MarkerFor is how long a marker another proctor added keeps its cue.
	MarkerFor time.Duration
}

// DefaultAttentionPrefs are chosen for proctoring: a webcam still for 8 s
// is frozen (a sitting candidate still moves), 4 s of dark is a covered
// camera, 3x the bitrate is a scene change, a marker stays a minute.
var DefaultAttentionPrefs = AttentionPrefs{
	FrozenAfter:   8 * time.Second,
	FrozenDiff:    0.6,
	BlackAfter:    4 * time.Second,
	BlackLuma:     18,
	BurstRatio:    3,
	BurstBaseline: 20 * time.Second,
	MarkerFor:     time.Minute,
}

// Validate fills zero fields from the defaults and rejects nonsense.
func (p *AttentionPrefs) Validate() error {
	d := DefaultAttentionPrefs
	fill := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&p.FrozenAfter, d.FrozenAfter)
	fill(&p.BlackAfter, d.BlackAfter)
	fill(&p.BurstBaseline, d.BurstBaseline)
	fill(&p.MarkerFor, d.MarkerFor)
	if p.FrozenDiff == 0 {
		p.FrozenDiff = d.FrozenDiff
	}
	if p.BlackLuma == 0 {
		p.BlackLuma = d.BlackLuma
	}
	if p.BurstRatio == 0 {
		p.BurstRatio = d.BurstRatio
	}
	switch {
	case p.FrozenAfter < 0 || p.BlackAfter < 0 || p.BurstBaseline < 0 || p.MarkerFor < 0:
		return fmt.Errorf("%w: negative attention duration", ErrPrefs)
	case p.FrozenDiff < 0 || p.BlackLuma < 0 || p.BlackLuma > 255:
		return fmt.Errorf("%w: luma thresholds must be 0-255", ErrPrefs)
	case p.BurstRatio < 1.1:
		return fmt.Errorf("%w: burst ratio %.2g under 1.1 would flag every feed", ErrPrefs, p.BurstRatio)
	}
	return nil
}

// Preference keys of the attention thresholds (seconds and plain numbers).
const (
	prefFrozenAfter = "attention.frozen_after_s"
	prefBlackAfter  = "attention.black_after_s"
	prefBlackLuma   = "attention.black_luma"
	prefBurstRatio  = "attention.burst_ratio"
	prefMarkerFor   = "attention.marker_for_s"
	prefGridOrder   = "grid.order"
)

// loadAttentionPrefs reads the thresholds from the preferences; values
// that do not validate fall back to the defaults.
func loadAttentionPrefs(p fyne.Preferences) AttentionPrefs {
	d := DefaultAttentionPrefs
	secs := func(key string, def time.Duration) time.Duration {
		return time.Duration(p.FloatWithFallback(key, def.Seconds()) * float64(time.Second))
	}
	a := d
	a.FrozenAfter = secs(prefFrozenAfter, d.FrozenAfter)
	a.BlackAfter = secs(prefBlackAfter, d.BlackAfter)
	a.MarkerFor = secs(prefMarkerFor, d.MarkerFor)
	a.BlackLuma = p.FloatWithFallback(prefBlackLuma, d.BlackLuma)
	a.BurstRatio = p.FloatWithFallback(prefBurstRatio, d.BurstRatio)
	if a.Validate() != nil {
		return d
	}
	return a
}

// saveAttentionPrefs stores the thresholds.
func saveAttentionPrefs(p fyne.Preferences, a AttentionPrefs) {
	p.SetFloat(prefFrozenAfter, a.FrozenAfter.Seconds())
	p.SetFloat(prefBlackAfter, a.BlackAfter.Seconds())
	p.SetFloat(prefMarkerFor, a.MarkerFor.Seconds())
	p.SetFloat(prefBlackLuma, a.BlackLuma)
	p.SetFloat(prefBurstRatio, a.BurstRatio)
}
