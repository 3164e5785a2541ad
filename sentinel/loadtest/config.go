package loadtest

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"proctor/client"
)

// Config describes one load test.
type Config struct {
	// Server is the base URL, http(s)://host:port, or several separated
	// by commas: the Sentinels publish to the first, the watchers are
	// spread round robin over the others, and the report has a part per
	// node (see nodes.go).
	Server string
	// Servers is Server parsed, filled by Validate.
	Servers client.Servers
	// SentinelToken returns a sentinel token for id; WatcherToken is a
	// proctor (or admin) token.
	SentinelToken func(id string) string
	WatcherToken  string
	// Sentinels is the number of replayed Sentinels (default 10).
	Sentinels int
	// Watchers is the number of watcher connections (default 1), each
	// subscribing to PerWatcher Sentinels (default all, at most Sentinels),
	// spread evenly.
	Watchers, PerWatcher int
	// Duration of the publishing phase (default 30 s).
	Duration time.Duration
	// Drain is how long to wait after publishing for the last segments
	// (default 5 s).
	Drain time.Duration
	// Picture of the replayed clip: default 1280x720, 5 fps, GOP 2 s.
	Width, Height int
	FPS           float64
	GOP           time.Duration
	// LowLatency replays one frame per segment.
	LowLatency bool
	// Prefix of the Sentinel and session ids (default "load").
	Prefix string
	// ServerPID, when not 0, is the server process to measure; InProcess
	// says the server runs in this process (the measure then covers both).
	ServerPID int
	InProcess bool
	// Progress receives a status line every ProgressEvery (default 2 s);
	// nil for none.
	Progress      io.Writer
	ProgressEvery time.Duration
	Log           *slog.Logger
}

// Validate fills defaults and checks ranges.
func (c *Config) Validate() error {
	if c.Server == "" {
		return fmt.Errorf("%w: no server", ErrConfig)
	}
	servers, err := client.ParseServers(c.Server)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c.Servers = servers
	if c.SentinelToken == nil {
		return fmt.Errorf("%w: no sentinel tokens", ErrConfig)
	}
	if c.Sentinels == 0 {
		c.Sentinels = 10
	}
	if c.Watchers == 0 && c.PerWatcher == 0 {
		c.Watchers = 1
	}
	if c.PerWatcher == 0 || c.PerWatcher > c.Sentinels {
		c.PerWatcher = c.Sentinels
	}
	if c.Sentinels < 1 || c.Sentinels > 100_000 || c.Watchers < 0 || c.Watchers > 10_000 || c.PerWatcher < 0 {
		return fmt.Errorf("%w: %d sentinels, %d watchers x %d", ErrConfig, c.Sentinels, c.Watchers, c.PerWatcher)
	}
	if c.Duration == 0 {
		c.Duration = 30 * time.Second
	}
	if c.Duration < 0 {
		return fmt.Errorf("%w: duration %v", ErrConfig, c.Duration)
	}
	if c.Drain == 0 {
		c.Drain = 5 * time.Second
	}
	if c.Width == 0 && c.Height == 0 {
		c.Width, c.Height = 1280, 720
	}
	if c.FPS == 0 {
		c.FPS = 5
	}
	if c.GOP == 0 {
		c.GOP = 2 * time.Second
	}
	if c.Prefix == "" {
		c.Prefix = "load"
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = 2 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}
