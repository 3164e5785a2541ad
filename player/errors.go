package player

import "errors"

// Sentinel errors of the player.
var (
	// ErrClosed is returned by SetSize, SetSpeed and GoLive after Close;
	// the other methods do nothing then.
	ErrClosed = errors.New("player: closed")
	// ErrNoSource: New was called with neither a LiveFeed nor an Archive.
	ErrNoSource = errors.New("player: no live feed and no archive")
	// ErrNoLive: GoLive on a player without a LiveFeed.
	ErrNoLive = errors.New("player: no live feed")
	// ErrNoArchive: an operation that needs history on a player without an Archive.
	ErrNoArchive = errors.New("player: no archive")
	// ErrSpeed: a playback speed outside MinSpeed..MaxSpeed.
	ErrSpeed = errors.New("player: speed out of range")
	// ErrSize: a width or height below 1 or above MaxDimension.
	ErrSize = errors.New("player: invalid size")
	// ErrCorrupt wraps a segment that could not be demuxed or decoded.
	ErrCorrupt = errors.New("player: corrupt segment")
	// ErrMissing wraps a segment or init segment the source does not have.
	ErrMissing = errors.New("player: missing segment")
	// ErrFetch wraps a failure of the Archive (HTTP) or the LiveFeed.
	ErrFetch = errors.New("player: fetch failed")
	// ErrGap: segments were skipped (the server moved a slow watcher forward,
	// or sequence numbers jumped); Stats.Gaps counts them.
	ErrGap = errors.New("player: gap in the stream")
)
