package store

import (
	"fmt"
	"io"
	"time"
)

// SyncPolicy says when appended bytes are forced to stable storage (fsync).
// See the package documentation for what each policy may lose.
type SyncPolicy string

// Sync policies.
const (
	// SyncAlways fsyncs the log and the index after every Append.
	SyncAlways SyncPolicy = "always"
	// SyncInterval fsyncs every stream written to since the last sync once
	// per Config.SyncInterval, and everything on Close. The default.
	SyncInterval SyncPolicy = "interval"
	// SyncNever leaves flushing to the operating system, even on Close.
	SyncNever SyncPolicy = "never"
)

// Defaults filled in by Config.Validate.
const (
	DefaultSyncInterval = time.Second
	DefaultRetainEvery  = time.Minute
	DefaultChunkSize    = 64 << 20
	DefaultVerifyTail   = 4 << 20
	DefaultMaxOpenFiles = 256
	// DefaultMinFree is the free-space guard the server's -min-free
	// defaults to (Config.MinFree's zero value disables the guard).
	DefaultMinFree        = 2 << 30
	DefaultFreeSpaceEvery = time.Second
)

// Config configures a Store. The zero value with Dir set is valid.
type Config struct {
	// Dir is the data directory; streams live under Dir/streams.
	Dir string
	// Sync is the fsync policy (default SyncInterval).
	Sync SyncPolicy
	// SyncInterval is the period of SyncInterval (default 1 s).
	SyncInterval time.Duration
	// MaxAge removes segments older than this (0: keep forever). Whole
	// chunks go at once, so up to one chunk per stream may be kept longer.
	MaxAge time.Duration
	// MaxBytes bounds the total size on disk (0: unbounded); the oldest
	// chunks of any stream go first.
	MaxBytes int64
	// RetainEvery is the period of the retention goroutine (default 1 min).
	RetainEvery time.Duration
	// ChunkSize bounds a log chunk file (default 64 MiB); a segment larger
	// than it gets a chunk of its own.
	ChunkSize int64
	// VerifyTail is how many bytes at the end of each stream Open reads
	// back to verify payload checksums after the last Store on the
	// directory did not close cleanly (default 4 MiB: several sync
	// intervals of a high-bitrate stream; -1: every payload). Index
	// records are always verified in full.
	VerifyTail int64
	// MaxOpenFiles bounds the chunk logs kept open for reading, across all
	// streams (default 256); the least recently read is closed first, never
	// one a read is using. Files open for appending (two per stream being
	// written) are not counted.
	MaxOpenFiles int
	// MinFree is the free-space guard, in bytes (0: off; the server's
	// default is DefaultMinFree). While the disk holding Dir has less
	// free, size retention runs at once if MaxBytes is set; otherwise
	// Append refuses new segments with ErrUnavailable and ErrLowSpace,
	// before the disk is full, and Writable says so.
	MinFree int64
	// FreeSpace reads the bytes free for Dir (default: statfs). Tests
	// inject it rather than fill a disk.
	FreeSpace func(dir string) (uint64, error)
	// FreeSpaceEvery is how often the guard reads the free space (default
	// 1 s): not per append.
	FreeSpaceEvery time.Duration
	// Observe receives latencies, for histograms; nil functions cost
	// nothing.
	Observe Observers
	// WrapWriter, if set, wraps the writer of every log and index file
	// opened for appending (path is the file's). It is a test seam for
	// fault injection: a wrapper that fails with ENOSPC or EIO for a while
	// shows how the store and its callers ride out a full or failing disk.
	// Production leaves it nil (and appends use writev directly).
	WrapWriter func(path string, w io.Writer) io.Writer
}

// Observers receive the store's latencies: Append after each Append
// (successful or not), Sync after each fsync of a log or index file.
type Observers struct {
	Append, Sync func(time.Duration)
}

// Validate checks c and fills in defaults.
func (c *Config) Validate() error {
	if c.Dir == "" {
		return fmt.Errorf("%w: store directory is empty", ErrInvalid)
	}
	switch c.Sync {
	case "":
		c.Sync = SyncInterval
	case SyncAlways, SyncInterval, SyncNever:
	default:
		return fmt.Errorf("%w: sync policy %q (always, interval, never)", ErrInvalid, c.Sync)
	}
	if c.SyncInterval < 0 || c.MaxAge < 0 || c.MaxBytes < 0 || c.RetainEvery < 0 || c.ChunkSize < 0 || c.VerifyTail < -1 || c.MaxOpenFiles < 0 ||
		c.MinFree < 0 || c.FreeSpaceEvery < 0 {
		return fmt.Errorf("%w: negative store setting", ErrInvalid)
	}
	if c.SyncInterval == 0 {
		c.SyncInterval = DefaultSyncInterval
	}
	if c.RetainEvery == 0 {
		c.RetainEvery = DefaultRetainEvery
	}
	if c.ChunkSize == 0 {
		c.ChunkSize = DefaultChunkSize
	}
	if c.FreeSpace == nil {
		c.FreeSpace = statfsFree
	}
	if c.FreeSpaceEvery == 0 {
		c.FreeSpaceEvery = DefaultFreeSpaceEvery
	}
	if c.MaxOpenFiles == 0 {
		c.MaxOpenFiles = DefaultMaxOpenFiles
	}
	if c.VerifyTail == 0 {
		c.VerifyTail = DefaultVerifyTail
	}
	return nil
}
