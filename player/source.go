package player

import (
	"context"
	"io"
	"time"

	"proctor/proto"
)

// LiveMessage is one message of a live watch subscription. Its fields are
// those of client.Media, so an adapter is a plain conversion.
type LiveMessage struct {
	Header  proto.Header
	Payload []byte // fMP4 bytes without the binary header; not modified by the player
	Skipped *proto.Skipped
}

// LiveFeed delivers one Sentinel's live messages in order: the init
// segment, the buffered segments from the latest keyframe on, then live
// segments. Reconnecting and resuming with "from" is the feed's business
// (client.Watcher does it). Next blocks until a message arrives; it returns
// ctx.Err() when ctx is done and io.EOF when the feed has ended.
type LiveFeed interface {
	Next(ctx context.Context) (LiveMessage, error)
}

// FeedFunc adapts a function to a LiveFeed.
type FeedFunc func(ctx context.Context) (LiveMessage, error)

// Next calls f.
func (f FeedFunc) Next(ctx context.Context) (LiveMessage, error) { return f(ctx) }

// FromChan adapts a channel of any message type (e.g. client.Subscription.C
// of client.Media) to a LiveFeed; conv converts one message, typically
// func(m client.Media) player.LiveMessage { return player.LiveMessage(m) }.
// A closed channel ends the feed with io.EOF.
func FromChan[M any](c <-chan M, conv func(M) LiveMessage) LiveFeed {
	return FeedFunc(func(ctx context.Context) (LiveMessage, error) {
		select {
		case m, ok := <-c:
			if !ok {
				return LiveMessage{}, io.EOF
			}
			return conv(m), nil
		case <-ctx.Done():
			return LiveMessage{}, ctx.Err()
		}
	})
}

// Archive is the history of one (session, Sentinel) stream over HTTP,
// typically client.History bound to a session and a Sentinel id.
// Errors that mean "not there" should wrap ErrMissing (or the client's
// ErrNotFound); anything else is treated as a transient fetch failure.
type Archive interface {
	// Segments lists the stored segments overlapping [from, to] in
	// sequence order; a zero to means no upper bound.
	Segments(ctx context.Context, from, to time.Time) ([]proto.Segment, error)
	// Init returns the init segment of a generation.
	Init(ctx context.Context, generation uint64) ([]byte, error)
	// Segment returns the fMP4 bytes of one media segment.
	Segment(ctx context.Context, seq uint64) ([]byte, error)
}

// ArchiveFuncs adapts three functions to an Archive.
type ArchiveFuncs struct {
	SegmentsFunc func(ctx context.Context, from, to time.Time) ([]proto.Segment, error)
	InitFunc     func(ctx context.Context, generation uint64) ([]byte, error)
	SegmentFunc  func(ctx context.Context, seq uint64) ([]byte, error)
}

// Segments calls SegmentsFunc.
func (a ArchiveFuncs) Segments(ctx context.Context, from, to time.Time) ([]proto.Segment, error) {
	return a.SegmentsFunc(ctx, from, to)
}

// Init calls InitFunc.
func (a ArchiveFuncs) Init(ctx context.Context, generation uint64) ([]byte, error) {
	return a.InitFunc(ctx, generation)
}

// Segment calls SegmentFunc.
func (a ArchiveFuncs) Segment(ctx context.Context, seq uint64) ([]byte, error) {
	return a.SegmentFunc(ctx, seq)
}
