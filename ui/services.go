package ui

import (
	"context"
	"image"
	"io"
	"time"

	"proctor/proto"
)

// Dialer connects to a server. app adapts client.History and client.Watcher
// to it. Errors wrap ErrUnreachable, ErrRefused, ErrVersion or ErrAddress.
type Dialer interface {
	Dial(ctx context.Context, server, token string) (Backend, error)
}

// Backend is one connection to a server: live feeds and history.
type Backend interface {
	Live
	Archive
	// Close stops every goroutine the backend started and waits for them.
	Close() error
}

// ConnState is delivered on Live.Events when the watch connection goes up
// or down; Err says why it went down. Retrying is true while the backend
// reconnects by itself.
type ConnState struct {
	Connected bool
	Retrying  bool
	Err       error
}

// Live is the live side of a backend.
type Live interface {
	// Events delivers *proto.Sentinels, *proto.SentinelEvent,
	// *proto.MarkerEvent and ConnState values. It is closed by Close.
	Events() <-chan any
	// Watch subscribes to one Sentinel and decodes its stream into frames
	// about the given size. The Feed is closed by the caller.
	Watch(id string, opt FeedOptions) Feed
	// Boost asks the Sentinel for a keyframe and a higher frame rate (on)
	// or withdraws the request (off). Used by the focus view.
	Boost(id string, on bool)
	// Replay is Watch for the focus view: the feed also reads the
	// session's history, so it can go back in time (instant replay) and
	// return to the leading edge. The ReplayFeed is closed by the caller.
	Replay(session, id string, opt FeedOptions) ReplayFeed
}

// ReplayFeed is a live Feed that can leave the leading edge and come
// back. Replay and GoLive return at once; the picture follows.
type ReplayFeed interface {
	Feed
	// Replay shows the keyframe at or before t at once and plays on from
	// it (up to a GOP before t: one picture to decode instead of a GOP's
	// worth, so the jump back is instant).
	Replay(t time.Time)
	// GoLive returns to the leading edge; false when the feed has none.
	GoLive() bool
}

// FeedOptions tune the decoding of one live stream.
type FeedOptions struct {
	Width, Height int  // pixel size frames are scaled to
	KeyframesOnly bool // decode sync samples only (small tiles)
}

// Feed is one live, decoding subscription. All methods are safe from any
// goroutine.
type Feed interface {
	// Frame returns the newest decoded frame and a counter that grows with
	// every new frame (0: none yet). The returned image stays unchanged
	// until the next call to Frame returns a different one.
	Frame() (*image.RGBA, uint64)
	// Configure changes the size or keyframe-only mode.
	Configure(FeedOptions)
	// Stats describes the stream for the overlay.
	Stats() FeedStats
	// Segments appends to dst the media segments received since the last
	// call (the newest MaxPendingSegments at most) and returns it: the
	// attention analysis reads their timing and sizes.
	Segments(dst []SegmentInfo) []SegmentInfo
	// Position is the capture time of the picture on screen (zero before
	// the first). Live pictures trail the wall clock (a segment leaves
	// the Sentinel a GOP late), so a marker is stamped with this.
	Position() time.Time
	Close()
}

// MaxPendingSegments is how many received segments a Feed keeps for
// Segments between two calls; older ones are dropped.
const MaxPendingSegments = 64

// FeedStats are shown on a tile on hover or with the S key.
type FeedStats struct {
	FPS       float64       // decoded frames per second
	Bitrate   int64         // received bits per second
	Latency   time.Duration // now minus the wall-clock time of the newest frame
	Skipped   int64         // segments skipped because the app fell behind
	Decoded   int64         // frames decoded so far
	Reconnect bool          // the stream is resuming after a reconnect
}

// Archive is the history side of a backend.
type Archive interface {
	Sessions(ctx context.Context, q SessionQuery) (proto.SessionList, error)
	Session(ctx context.Context, sid string) (proto.Session, error)
	Markers(ctx context.Context, sid string) ([]proto.Marker, error)
	AddMarker(ctx context.Context, sid string, m proto.Marker) (proto.Marker, error)
	// Segments lists the recorded segments of one Sentinel in a session.
	Segments(ctx context.Context, sid, id string, from, to time.Time) ([]proto.Segment, error)
	// Open starts playing the recorded stream of one Sentinel.
	Open(sid, id string, opt ReviewOptions) Playback
	// Export writes [from, to] of one Sentinel as one MP4 file to w and
	// reports progress in bytes (total may be 0 when unknown).
	Export(ctx context.Context, sid, id string, from, to time.Time, w io.Writer, progress func(done, total int64)) error
}

// SessionQuery filters the session browser. Empty fields do not filter.
type SessionQuery struct {
	State    string
	Text     string
	From, To time.Time
	Limit    int
	Cursor   string
}

// ReviewOptions start a Playback.
type ReviewOptions struct {
	Width, Height int
	Start         time.Time // first position
	Paused        bool      // hold the first frame
	Live          bool      // the session is open: the leading edge is reachable (GoLive)
}

// Playback plays one recorded (and possibly still live) stream. The review
// view drives one per Sentinel of a session with the same commands and
// re-seeks any that drifts, so they stay in sync. Methods are safe from any
// goroutine and return at once; pictures arrive through Frame.
type Playback interface {
	// Frame is as Feed.Frame; at is the media time of the frame.
	Frame() (img *image.RGBA, n uint64, at time.Time)
	Play()
	Pause()
	// SetSpeed sets the rate, 0.25 to 16.
	SetSpeed(x float64)
	// Seek shows the exact frame at t and continues playing or paused.
	Seek(t time.Time)
	// Preview shows the keyframe at or before t at once (scrubbing).
	Preview(t time.Time)
	// Step pauses and moves n frames (n < 0: back).
	Step(n int)
	// GoLive returns to the leading edge; false when there is none.
	GoLive() bool
	// Position is the media time of the frame on screen.
	Position() time.Time
	Close()
}
