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
	Close()
}

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
	// Open prepares the recorded stream of one Sentinel for review.
	Open(sid, id string, width, height int) Playback
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

// Playback decodes one recorded stream at the times the review clock asks
// for. The review view owns one clock for all Sentinels of a session and
// calls Show on each, so they stay in sync by construction.
type Playback interface {
	// Show asks for the picture at t. With exact false the nearest keyframe
	// at or before t is enough (previews while the timeline is dragged).
	// It returns at once; the frame appears later through Frame.
	Show(t time.Time, exact bool)
	// Frame is as Feed.Frame; at is the media time of the frame.
	Frame() (img *image.RGBA, n uint64, at time.Time)
	Close()
}
