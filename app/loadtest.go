//go:build !serveronly

package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/asticode/go-astiav"

	"proctor/sentinel/loadtest"
	"proctor/server"
	"proctor/server/auth"
)

func init() {
	register(Mode{Name: "loadtest", Summary: "load a server with replayed test Sentinels and watchers; report loss and latency", Run: runLoadtest})
}

func runLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("loadtest", stderr)
	var cfg loadtest.Config
	fs.StringVar(&cfg.Server, "server", "", "server base URL, or several separated by commas: Sentinels publish to the first, watchers are spread over the others and reported per node (default: an embedded server in this process)")
	secret := secretFlags(fs)
	fs.IntVar(&cfg.Sentinels, "sentinels", 10, "replayed Sentinels")
	fs.IntVar(&cfg.Watchers, "watchers", 1, "watcher connections")
	fs.IntVar(&cfg.PerWatcher, "per-watcher", 0, "Sentinels each watcher subscribes to (default all)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "publishing time")
	fs.DurationVar(&cfg.Drain, "drain", 5*time.Second, "wait for the last segments after publishing")
	size := fs.String("size", "1280x720", "picture size WxH of the replayed clip")
	fs.Float64Var(&cfg.FPS, "fps", 5, "frame rate of the replayed clip")
	fs.DurationVar(&cfg.GOP, "gop", 2*time.Second, "keyframe interval (one segment each)")
	fs.BoolVar(&cfg.LowLatency, "low-latency", false, "one frame per segment")
	fs.StringVar(&cfg.Prefix, "prefix", "load", "prefix of the Sentinel and session ids")
	fs.IntVar(&cfg.ServerPID, "server-pid", 0, "process id of the server, to report its CPU and memory")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := fmt.Sscanf(*size, "%dx%d", &cfg.Width, &cfg.Height); err != nil {
		return &ExitError{Code: 2, Err: fmt.Errorf("--size %q: want WxH", *size)}
	}
	astiav.SetLogLevel(astiav.LogLevelQuiet)
	if !*quiet {
		cfg.Progress = stderr
	}
	var key []byte
	if cfg.Server == "" {
		key = make([]byte, 32)
		rand.Read(key)
		url, stop, err := embeddedServer(key, cfg.Sentinels, cfg.PerWatcher)
		if err != nil {
			return err
		}
		defer stop()
		cfg.Server, cfg.InProcess = url, true
		fmt.Fprintf(stderr, "embedded server at %s\n", url)
	} else {
		var err error
		if key, err = secret.load(); err != nil {
			return &ExitError{Code: 2, Err: fmt.Errorf("%v (the load tool signs a token per Sentinel)", err)}
		}
	}
	signer, err := auth.NewSigner(key)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	exp := time.Now().Add(24 * time.Hour).Unix()
	cfg.SentinelToken = func(id string) string {
		return signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id, Expiry: exp})
	}
	cfg.WatcherToken = signer.Sign(auth.Claims{Role: auth.RoleProctor, Expiry: exp})
	r, err := loadtest.Run(ctx, cfg)
	if errors.Is(err, loadtest.ErrConfig) {
		return &ExitError{Code: 2, Err: err}
	}
	if r.Duration > 0 {
		r.WriteTable(stdout)
	}
	return err
}

// embeddedServer starts a server on a loopback port with a temporary data
// directory, sized for the load, and returns its URL and a stop function.
func embeddedServer(key []byte, sentinels, perWatcher int) (string, func(), error) {
	dir, err := os.MkdirTemp("", "proctor-loadtest")
	if err != nil {
		return "", nil, err
	}
	cfg := server.Config{DataDir: dir, Secret: key, MaxConnsPerIP: 100_000,
		MaxSubscriptions: max(server.DefaultMaxSubscriptions, sentinels, perWatcher)}
	ctx, cancel := context.WithCancel(context.Background())
	url, wait, err := serveLocal(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		cancel()
		os.RemoveAll(dir)
		return "", nil, err
	}
	return url, func() {
		cancel()
		wait()
		os.RemoveAll(dir)
	}, nil
}
