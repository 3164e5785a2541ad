package sentinel

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// Source names other than a file path or a /dev/videoN device.
const (
	SourceTest   = "test"
	SourceScreen = "screen"
)

// Defaults of Config.
const (
	DefaultWidth  = 1280
	DefaultHeight = 720
	DefaultFPS    = 5
	DefaultGOP    = 2 * time.Second
	DefaultPreset = "veryfast"
	DefaultFont   = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)

// Config describes one Sentinel. The zero value of every field but
// Source means its default; Validate fills them in.
type Config struct {
	// Name is drawn on the test picture (the Sentinel id is a good choice).
	Name string
	// Source is "test", "screen", "/dev/videoN" or a path to any file
	// FFmpeg reads (played in a loop).
	Source string
	// Display is the X11 display of the screen source; default $DISPLAY.
	Display string
	// Width and Height of the encoded picture; default 1280x720. Other
	// sources are scaled to it.
	Width, Height int
	// NativeSize encodes a file, screen or camera at its own size (rounded
	// down to even) instead; when that size changes, for example the
	// screen's resolution, a new init generation starts.
	NativeSize bool
	// FPS is the configured frame rate; default 5. Watchers may ask for
	// another through SetFPS.
	FPS float64
	// GOP is the keyframe interval, one segment each; default 2 s.
	GOP time.Duration
	// Bitrate in bits per second; default about 0.2 bit per pixel per
	// frame, at least 64 kbit/s.
	Bitrate int64
	// Preset is the libx264 preset; default veryfast.
	Preset string
	// Threads is the number of encoder threads; default 1 (cheapest per
	// Sentinel when many run on one machine).
	Threads int
	// LowLatency cuts a segment per frame instead of per GOP.
	LowLatency bool
	// Font is the TrueType font of the test picture's text.
	Font string
	// Scene is what the test source shows: SceneBars (the default),
	// SceneWebcam or SceneScreen. Ignored by other sources.
	Scene string
	// Seed makes a scene's people, colours, pages and own events; the same
	// seed gives the same pictures at the same times. Default: derived
	// from Name.
	Seed uint64
	// Cues schedule events (a frozen picture, a person away, the network
	// down) from the first frame on; see Cue.
	Cues []Cue
	// OnCue, if set, is called on the goroutine running the Sentinel when
	// a cue turns on or off, before that frame is taken; it must not
	// block. It is how the owner of the network carries out CueOffline.
	OnCue func(c Cue, on bool)
	// Log receives the Sentinel's logs; default slog.Default().
	Log *slog.Logger
}

// Validate fills defaults and checks ranges. It does not open the source.
func (c *Config) Validate() error {
	if c.Source == "" {
		c.Source = SourceTest
	}
	if c.Name == "" {
		c.Name = "sentinel"
	}
	if c.Display == "" {
		c.Display = os.Getenv("DISPLAY")
	}
	if c.Width == 0 && c.Height == 0 {
		c.Width, c.Height = DefaultWidth, DefaultHeight
	}
	if c.Width < 64 || c.Height < 64 || c.Width > 7680 || c.Height > 4320 || c.Width%2 != 0 || c.Height%2 != 0 {
		return fmt.Errorf("%w: size %dx%d (even, 64x64 to 7680x4320)", ErrConfig, c.Width, c.Height)
	}
	if c.FPS == 0 {
		c.FPS = DefaultFPS
	}
	if c.FPS < 0.1 || c.FPS > 120 {
		return fmt.Errorf("%w: fps %v (0.1 to 120)", ErrConfig, c.FPS)
	}
	if c.GOP == 0 {
		c.GOP = DefaultGOP
	}
	if c.GOP < 0 || c.GOP > time.Minute {
		return fmt.Errorf("%w: gop %v (up to 1m)", ErrConfig, c.GOP)
	}
	if c.Bitrate == 0 {
		c.Bitrate = int64(float64(c.Width*c.Height) * c.FPS / 5)
		c.Bitrate = max(c.Bitrate, 64_000)
	}
	if c.Bitrate < 10_000 {
		return fmt.Errorf("%w: bitrate %d (at least 10000)", ErrConfig, c.Bitrate)
	}
	if c.Preset == "" {
		c.Preset = DefaultPreset
	}
	if c.Threads == 0 {
		c.Threads = 1
	}
	if c.Font == "" {
		c.Font = DefaultFont
	}
	switch c.Scene {
	case "":
		c.Scene = SceneBars
	case SceneBars, SceneWebcam, SceneScreen:
	default:
		return fmt.Errorf("%w: scene %q (bars, webcam or screen)", ErrConfig, c.Scene)
	}
	if c.Seed == 0 {
		c.Seed = defaultSeed(c.Name)
	}
	for _, q := range c.Cues {
		if err := q.validate(); err != nil {
			return err
		}
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return nil
}

// gopFrames is the keyframe interval in frames at rate fps.
func (c *Config) gopFrames(fps float64) int {
	return max(1, int(c.GOP.Seconds()*fps+0.5))
}

// Kind returns the source kind a hello declares (proto.Source*): test,
// screen, webcam or file. The test source's webcam and screen scenes
// declare webcam and screen, so a viewer lays them out as the real ones.
func (c *Config) Kind() string {
	switch {
	case c.Source == SourceTest && (c.Scene == SceneWebcam || c.Scene == SceneScreen):
		return c.Scene
	case c.Source == SourceTest:
		return "test"
	case c.Source == SourceScreen:
		return "screen"
	case strings.HasPrefix(c.Source, "/dev/video"):
		return "webcam"
	}
	return "file"
}
