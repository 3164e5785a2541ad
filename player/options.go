package player

import (
	"fmt"
	"log/slog"
	"time"
)

// Playback speed limits for history.
const (
	MinSpeed = 0.25
	MaxSpeed = 16
)

// MaxDimension bounds a requested output width or height.
const MaxDimension = 8192

// DefaultJitter is the default live play-out allowance (Options.Jitter).
const DefaultJitter = 60 * time.Millisecond

// Clock tells the time. Tests inject a manual clock; the default is the
// wall clock.
type Clock interface {
	Now() time.Time
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// Size is an output size in pixels.
type Size struct {
	Width, Height int
}

func (s Size) valid() bool {
	return s.Width > 0 && s.Height > 0 && s.Width <= MaxDimension && s.Height <= MaxDimension
}

// Options configure a Player. The zero value is usable: Validate fills
// the defaults.
type Options struct {
	Log   *slog.Logger // default slog.Default()
	Clock Clock        // default the wall clock

	// Size is the initial output size; default 320x180. SetSize changes it.
	Size Size
	// KeyframesOnly starts in keyframe-only mode (see SetKeyframesOnly).
	KeyframesOnly bool

	// Start is where playback begins: zero means live for a player with a
	// LiveFeed, else the first stored segment.
	Start time.Time
	// Paused starts history playback paused (the first frame is shown).
	Paused bool

	// Jitter is the live play-out allowance behind the leading edge that
	// absorbs uneven arrival; default 60 ms, which keeps a low-latency
	// Sentinel's capture-to-screen time under 100 ms on a LAN. Live
	// latency is about the network delay plus Jitter for low-latency
	// Sentinels (one GOP more with a segment per GOP); raise it for
	// watchers on a jittery WAN.
	Jitter time.Duration
	// Memory is how much recent live media is kept in memory for seeking
	// back without HTTP; default 20 s.
	Memory time.Duration
	// Queue is how many decoded frames may wait ahead of the play head;
	// default 3.
	Queue int
	// Prefetch is how many history segments are fetched ahead of the one
	// being decoded; default 2.
	Prefetch int
	// Cache is how many history segments the LRU cache keeps; default 16.
	Cache int
}

// Validate checks o and fills the defaults.
func (o *Options) Validate() error {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	if o.Size == (Size{}) {
		o.Size = Size{320, 180}
	}
	if !o.Size.valid() {
		return fmt.Errorf("%w: %dx%d", ErrSize, o.Size.Width, o.Size.Height)
	}
	if o.Jitter <= 0 {
		o.Jitter = DefaultJitter
	}
	if o.Memory <= 0 {
		o.Memory = 20 * time.Second
	}
	if o.Queue <= 0 {
		o.Queue = 3
	}
	if o.Prefetch < 0 {
		return fmt.Errorf("player: negative prefetch %d", o.Prefetch)
	}
	if o.Prefetch == 0 {
		o.Prefetch = 2
	}
	if o.Cache <= 0 {
		o.Cache = 16
	}
	if o.Cache < o.Prefetch+2 {
		o.Cache = o.Prefetch + 2
	}
	return nil
}
