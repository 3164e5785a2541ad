//go:build !serveronly

package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/sentinel"
	"proctor/server"
	"proctor/server/auth"
	"proctor/ui"
)

func init() {
	register(Mode{Name: "demo", Summary: "embedded server, 9 test Sentinels and the desktop app in one process", Run: runDemo})
}

// demoCandidates are the demo's sessions; each has a webcam-like and a
// screen-like test Sentinel except the last, 9 Sentinels in all.
var demoCandidates = []struct {
	name    string
	screen  bool
	session string
}{
	{"Ada Lovelace", true, "exam-ada"}, {"Alan Turing", true, "exam-alan"}, {"Grace Hopper", true, "exam-grace"},
	{"Edsger Dijkstra", true, "exam-edsger"}, {"Barbara Liskov", false, "exam-barbara"},
}

// demoCues are the events the demo makes happen, by Sentinel, so the
// attention cues show on first start: a little after the start and then
// now and then, one candidate's webcam freezes, one leaves the frame, one
// goes offline (both Sentinels) and comes back within the server's grace.
var demoCues = map[string][]sentinel.Cue{
	"exam-ada-cam":      {{Kind: sentinel.CueFreeze, At: 20 * time.Second, For: 25 * time.Second, Every: 3 * time.Minute}},
	"exam-alan-cam":     {{Kind: sentinel.CueAway, At: 35 * time.Second, For: 20 * time.Second, Every: 150 * time.Second}},
	"exam-grace-cam":    {{Kind: sentinel.CueOffline, At: 50 * time.Second, For: 20 * time.Second, Every: 4 * time.Minute}},
	"exam-grace-screen": {{Kind: sentinel.CueOffline, At: 50 * time.Second, For: 20 * time.Second, Every: 4 * time.Minute}},
}

// demoGrace is the embedded server's grace period: longer than the
// offline cue, so the candidate who goes offline continues their session.
const demoGrace = 45 * time.Second

// demoConfig is the demo's set-up.
type demoConfig struct {
	width, height int
	fps           float64
	keep          bool
	scenes        bool // webcam and screen scenes rather than colour bars
	events        bool // demoCues
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	var dc demoConfig
	fs.IntVar(&dc.width, "width", 640, "test picture width")
	fs.IntVar(&dc.height, "height", 360, "test picture height")
	fs.Float64Var(&dc.fps, "fps", 5, "test picture frame rate")
	fs.BoolVar(&dc.keep, "keep", false, "keep the temporary data directory")
	fs.BoolVar(&dc.scenes, "scenes", true, "show webcam and screen scenes (false: colour bars)")
	fs.BoolVar(&dc.events, "events", true, "make events happen: a frozen webcam, a candidate away, one offline")
	level := fs.String("log-level", "warn", "log level: debug, info, warn, error")
	focus := fs.String("focus", "", "open this session's focus view (e.g. exam-ada)")
	review := fs.String("review", "", "open this session in the review player")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := mediaLogger(*level, stderr)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	dir, err := os.MkdirTemp("", "proctor-demo-")
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if !dc.keep {
		defer os.RemoveAll(dir)
	}
	fmt.Fprintf(stdout, "proctor demo: data in %s\n", dir)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The server outlives the Sentinels, so they can say "end" on the way out.
	srvCtx, srvCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer srvCancel()
	srvURL, signer, wait, err := demoServer(srvCtx, dir, log)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, c := range demoCandidates {
		ids := []string{c.session + "-cam"}
		if c.screen {
			ids = append(ids, c.session+"-screen")
		}
		for _, id := range ids {
			tok := signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id})
			hello := proto.Hello{Sentinel: id, Session: c.session, Source: proto.SourceTest,
				Details: map[string]string{"name": c.name, "exam": "Demo exam"}}
			if dc.scenes {
				hello.Source = proto.SourceWebcam
				if id == c.session+"-screen" {
					hello.Source = proto.SourceScreen
				}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var cues []sentinel.Cue
				if dc.events {
					cues = demoCues[hello.Sentinel]
				}
				if err := demoSentinel(ctx, srvURL, tok, hello, cues, dc, log); err != nil && ctx.Err() == nil {
					log.Error("demo sentinel", "sentinel", hello.Sentinel, "err", err)
				}
			}()
		}
	}
	fmt.Fprintf(stdout, "proctor demo: server %s\n", srvURL)
	token := signer.Sign(auth.Claims{Role: auth.RoleAdmin, Expiry: time.Now().Add(24 * time.Hour).Unix()})
	err = viewRun(ctx, ui.Config{Dialer: &viewDialer{log: log}, Server: srvURL, Token: token, AutoConnect: true,
		Title: "Proctor demo", Log: log, Focus: *focus, Review: *review})
	cancel()
	wg.Wait()
	srvCancel()
	if werr := wait(); werr != nil && err == nil {
		err = werr
	}
	return err
}

// demoServer starts the embedded server on a loopback port. wait blocks
// until it has shut down after ctx ends.
func demoServer(ctx context.Context, dir string, log *slog.Logger) (string, *auth.Signer, func() error, error) {
	key := make([]byte, 32)
	rand.Read(key)
	signer, err := auth.NewSigner(key)
	if err != nil {
		return "", nil, nil, err
	}
	url, wait, err := serveLocal(ctx, server.Config{DataDir: dir, Secret: key, Grace: demoGrace, HeartbeatEvery: time.Second}, log)
	if err != nil {
		return "", nil, nil, fmt.Errorf("demo server: %w", err)
	}
	return url, signer, wait, nil
}

// demoSentinel runs one test Sentinel publishing to the embedded server
// until ctx ends, then says "end". Its scene follows hello.Source; an
// offline cue among cues is carried out by a relay it publishes through.
func demoSentinel(ctx context.Context, srv, token string, hello proto.Hello, cues []sentinel.Cue, dc demoConfig, log *slog.Logger) error {
	cfg := sentinel.Config{Name: hello.Details["name"], Source: sentinel.SourceTest,
		Width: dc.width, Height: dc.height, FPS: dc.fps, LowLatency: true, Log: log}
	switch hello.Source {
	case proto.SourceWebcam:
		cfg.Scene = sentinel.SceneWebcam
	case proto.SourceScreen:
		cfg.Scene = sentinel.SceneScreen
	}
	cfg.Cues = cues
	for _, c := range cfg.Cues {
		if c.Kind != sentinel.CueOffline {
			continue
		}
		u, err := url.Parse(srv)
		if err != nil {
			return fmt.Errorf("demo relay: %w", err)
		}
		relay, err := newDemoRelay(u.Host, log)
		if err != nil {
			return fmt.Errorf("demo relay: %w", err)
		}
		defer relay.Close()
		srv = relay.URL()
		cfg.OnCue = func(c sentinel.Cue, on bool) {
			if c.Kind == sentinel.CueOffline {
				log.Info("demo: network", "sentinel", hello.Sentinel, "down", on)
				relay.setDown(on)
			}
		}
		break
	}
	var sen *sentinel.Sentinel
	pub := client.NewPublisher(client.Config{Server: srv, Token: token, Log: log}, hello, client.PublishOptions{
		OnControl: func(m any) {
			if sen == nil {
				return
			}
			switch c := m.(type) {
			case *proto.Keyframe:
				sen.RequestKeyframe()
			case *proto.FPS:
				sen.SetFPS(c.FPS)
			}
		},
	})
	sen, err := sentinel.New(cfg, demoSink{pub})
	if err != nil {
		return err
	}
	defer sen.Close()
	pctx, pcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer pcancel()
	perr := make(chan error, 1)
	go func() { perr <- pub.Run(pctx) }()
	err = sen.Run(ctx)
	ectx, ecancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer ecancel()
	if eerr := pub.End(ectx); eerr != nil && !errors.Is(eerr, context.DeadlineExceeded) {
		log.Debug("end", "sentinel", hello.Sentinel, "err", eerr)
	}
	pcancel()
	if rerr := <-perr; err == nil {
		err = rerr
	}
	return err
}

// demoSink hands a Sentinel's output to a Publisher.
type demoSink struct{ p *client.Publisher }

func (s demoSink) Init(gen uint64, payload []byte) error { return s.p.Init(gen, payload) }

func (s demoSink) Segment(seg sentinel.Segment) error {
	return s.p.Segment(client.Segment{Time: seg.Time, Duration: seg.Duration, Keyframe: seg.Keyframe, Payload: seg.Payload})
}
