package player

import (
	"image"
	"time"
)

// Frame is one decoded picture, scaled to the size that was requested when
// it was decoded. See the package documentation for how long Image stays
// valid.
type Frame struct {
	Image *image.RGBA
	// Time is the capture wall-clock time of the picture (the segment
	// header's Time plus the sample's presentation offset).
	Time time.Time
	// Seq is the sequence number of the segment being decoded when the
	// picture came out (with B-frames, a picture may leave the decoder
	// during the next segment).
	Seq uint64
	// Generation is the init generation it was decoded with.
	Generation uint64
	// Keyframe reports a sync sample (IDR).
	Keyframe bool
	// Source is the picture's coded size (it changes with the generation).
	Source Size
}

// Mode is what the player is doing.
type Mode int

// Modes.
const (
	ModeLive    Mode = iota // following the leading edge of the live feed
	ModePlaying             // playing history at State.Speed
	ModePaused              // holding the current frame
	ModePreview             // showing scrub previews (keyframes) until Seek, Play or GoLive
)

func (m Mode) String() string {
	switch m {
	case ModeLive:
		return "live"
	case ModePlaying:
		return "playing"
	case ModePaused:
		return "paused"
	case ModePreview:
		return "preview"
	}
	return "mode?"
}

// State is a snapshot of the playback state, for the UI's controls.
type State struct {
	Mode  Mode
	Speed float64
	// Position is the Time of the frame on screen (zero before the first).
	Position time.Time
	// Start and End bound the known timeline: the first stored segment (or
	// the oldest in memory) and the end of the newest segment.
	Start, End time.Time
	// KeyframesOnly reports keyframe-only mode.
	KeyframesOnly bool
	Size          Size
}

// Stats are per-stream counters since New.
type Stats struct {
	Decoded uint64 // pictures out of the decoder
	Shown   uint64 // frames returned by Take
	Dropped uint64 // decoded but never shown (superseded before they were due)
	Late    uint64 // decoded after the time they were due
	Errors  uint64 // corrupt, truncated or missing segments, fetch failures
	Gaps    uint64 // segments known to be skipped (Skipped, sequence jumps, errors)

	Segments uint64 // media segments received or fetched
	Bytes    uint64 // media bytes received or fetched

	FPS     float64 // frames shown per second over the last few seconds
	Bitrate int64   // media bits per second over the last few seconds
	// Latency is, live, the time from capture (segment header wall clock)
	// to presentation of the last frame taken.
	Latency time.Duration

	// LastError is the latest error reported (nil if none).
	LastError error
}
