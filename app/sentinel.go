//go:build !serveronly

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/asticode/go-astiav"

	"proctor/client"
	"proctor/proto"
	"proctor/sentinel"
	"proctor/server/auth"
)

func init() {
	register(Mode{Name: "sentinel", Summary: "capture test/file/screen/camera video, encode H.264 and publish it", Run: runSentinel})
}

// EnvToken is the environment variable holding a client's access token.
const EnvToken = "PROCTOR_TOKEN"

// detailFlags collects repeated --detail key=value flags.
type detailFlags map[string]string

func (d detailFlags) String() string { return fmt.Sprint(map[string]string(d)) }

func (d detailFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	d[k] = val
	return nil
}

func runSentinel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sentinel", stderr)
	serverURL := fs.String("server", os.Getenv("PROCTOR_SERVER"), "server base URL, http(s)://host:port, or several separated by commas: the next is tried when one fails (default $PROCTOR_SERVER)")
	tok := fs.String("token", "", "sentinel access token (default $"+EnvToken+"; or signed here with the server secret)")
	secret := secretFlags(fs)
	id := fs.String("id", defaultSentinelID(), "Sentinel id (1-64 of a-z A-Z 0-9 - _)")
	name := fs.String("name", "", "name drawn on the test picture (default the id)")
	session := fs.String("session", "", "session id to publish into (default: the server makes one)")
	details := detailFlags{}
	fs.Var(details, "detail", "session detail key=value (repeatable)")
	var cfg sentinel.Config
	fs.StringVar(&cfg.Source, "source", sentinel.SourceTest, "test, screen, /dev/videoN or a video file (looped)")
	fs.StringVar(&cfg.Scene, "kind", sentinel.SceneBars, "what --source test shows: bars, webcam or screen (declared as that kind)")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed of the webcam and screen scenes (default from the name)")
	fs.Var((*cueFlags)(&cfg.Cues), "cue", "scheduled event KIND@AT+FOR[/EVERY], KIND freeze or away, e.g. freeze@30s+20s/5m (repeatable)")
	fs.StringVar(&cfg.Display, "display", "", "X11 display of the screen source (default $DISPLAY)")
	size := fs.String("size", "1280x720", "encoded picture size WxH, or \"source\" for a file's, screen's or camera's own size")
	fs.Float64Var(&cfg.FPS, "fps", sentinel.DefaultFPS, "frame rate")
	fs.DurationVar(&cfg.GOP, "gop", sentinel.DefaultGOP, "keyframe interval (one segment each)")
	fs.Int64Var(&cfg.Bitrate, "bitrate", 0, "bits per second (default from size and rate)")
	fs.StringVar(&cfg.Preset, "preset", sentinel.DefaultPreset, "libx264 preset")
	fs.IntVar(&cfg.Threads, "threads", 1, "encoder threads")
	fs.BoolVar(&cfg.LowLatency, "low-latency", false, "one segment per frame instead of per GOP")
	backlog := fs.Int64("backlog", client.DefaultBacklog, "bytes of segments kept while disconnected")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := mediaLogger(*level, stderr)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	if *size == "source" {
		cfg.NativeSize = true
	} else if _, err := fmt.Sscanf(*size, "%dx%d", &cfg.Width, &cfg.Height); err != nil {
		return &ExitError{Code: 2, Err: fmt.Errorf("--size %q: want WxH (e.g. 1280x720) or source", *size)}
	}
	if *serverURL == "" {
		return &ExitError{Code: 2, Err: errors.New("--server URL is required")}
	}
	servers, err := client.ParseServers(*serverURL)
	if err != nil {
		return &ExitError{Code: 2, Err: fmt.Errorf("--server: %w", err)}
	}
	if !proto.ValidID(*id) {
		return &ExitError{Code: 2, Err: fmt.Errorf("--id %q: 1-64 of a-z A-Z 0-9 - _", *id)}
	}
	token, err := sentinelToken(*tok, secret, *id)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	cfg.Name = *name
	if cfg.Name == "" {
		cfg.Name = *id
	}
	cfg.Log = log
	pub, err := sentinel.NewPublication(cfg, sentinel.PublishConfig{
		Client:  client.Config{Servers: servers, Token: token, Log: log},
		ID:      *id,
		Session: *session,
		Details: details,
		Backlog: *backlog,
	})
	if err != nil {
		if errors.Is(err, sentinel.ErrConfig) {
			return &ExitError{Code: 2, Err: err}
		}
		return err
	}
	defer pub.Close()
	c := pub.Sentinel.Config()
	sz := fmt.Sprintf("%dx%d", c.Width, c.Height)
	if c.NativeSize {
		sz = "source"
	}
	log.Info("sentinel starting", "sentinel", *id, "server", servers.String(), "source", c.Source, "kind", c.Kind(),
		"size", sz, "fps", c.FPS, "gop", c.GOP, "low_latency", c.LowLatency)
	stopStatus := sentinelStatus(pub, log, 30*time.Second)
	err = pub.Run(ctx)
	stopStatus()
	if err != nil {
		return err
	}
	st, ps := pub.Sentinel.Stats(), pub.Publisher.Stats()
	log.Info("sentinel stopped", "frames", st.Frames, "segments", st.Segments, "sent", ps.Sent, "dropped", ps.Dropped, "session", ps.Session)
	return nil
}

// cueFlags collects repeated --cue flags. Only the cues the Sentinel
// carries out itself are offered: an offline cue needs the network's owner.
type cueFlags []sentinel.Cue

func (c *cueFlags) String() string { return fmt.Sprint([]sentinel.Cue(*c)) }

// Set parses KIND@AT+FOR[/EVERY].
func (c *cueFlags) Set(v string) error {
	kind, rest, ok1 := strings.Cut(v, "@")
	at, rest, ok2 := strings.Cut(rest, "+")
	dur, every, _ := strings.Cut(rest, "/")
	if !ok1 || !ok2 || (kind != string(sentinel.CueFreeze) && kind != string(sentinel.CueAway)) {
		return fmt.Errorf("want freeze|away@AT+FOR[/EVERY], got %q", v)
	}
	q := sentinel.Cue{Kind: sentinel.CueKind(kind)}
	var err error
	if q.At, err = time.ParseDuration(at); err == nil {
		if q.For, err = time.ParseDuration(dur); err == nil && every != "" {
			q.Every, err = time.ParseDuration(every)
		}
	}
	if err != nil {
		return fmt.Errorf("cue %q: %w", v, err)
	}
	*c = append(*c, q)
	return nil
}

// sentinelToken picks the token: the flag, $PROCTOR_TOKEN, or one signed
// here for id when the server secret is at hand (a test set-up).
func sentinelToken(flagTok string, secret *secretSource, id string) (string, error) {
	if flagTok != "" {
		return flagTok, nil
	}
	if t := os.Getenv(EnvToken); t != "" {
		return t, nil
	}
	signer, err := secret.signer()
	if err != nil {
		return "", fmt.Errorf("no token: pass --token or set $%s (or give the server secret to sign one): %w", EnvToken, err)
	}
	return signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id, Expiry: time.Now().Add(30 * 24 * time.Hour).Unix()}), nil
}

var notIDChar = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// defaultSentinelID is "sentinel-" and the host name, made a valid id.
func defaultSentinelID() string {
	h, _ := os.Hostname()
	id := "sentinel-" + notIDChar.ReplaceAllString(h, "-")
	if len(id) > proto.MaxIDLen {
		id = id[:proto.MaxIDLen]
	}
	return strings.TrimRight(id, "-")
}

// mediaLogger logs text to w at level, for the modes that encode or
// decode (sentinel, view, demo). FFmpeg's own logging (libx264's banner
// and summary, decoder complaints about a damaged picture) is kept quiet,
// since its failures come back as errors, unless level is debug.
func mediaLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	if l <= slog.LevelDebug {
		astiav.SetLogLevel(astiav.LogLevelWarning)
	} else {
		astiav.SetLogLevel(astiav.LogLevelQuiet)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// sentinelStatus logs the counters every period until the returned stop
// function is called; stop waits for the goroutine.
func sentinelStatus(pub *sentinel.Publication, log *slog.Logger, period time.Duration) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				st, ps := pub.Sentinel.Stats(), pub.Publisher.Stats()
				log.Info("status", "connected", ps.Connected, "session", ps.Session, "frames", st.Frames,
					"fps", st.FPS, "segments", st.Segments, "sent", ps.Sent, "backlog_bytes", ps.Backlog,
					"dropped", ps.Dropped, "late_frames", st.Late, "last_error", ps.LastError)
			}
		}
	}()
	return func() { close(done); <-finished }
}
