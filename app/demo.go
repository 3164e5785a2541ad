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
	"strings"
	"sync"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/sentinel"
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

// demoConfig is the demo's set-up.
type demoConfig struct {
	width, height int
	fps           float64
	keep          bool
	scenes        bool // webcam and screen scenes rather than colour bars
	events        bool // demoCues
	nodes         int
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
	fs.IntVar(&dc.nodes, "nodes", 1, "servers: 1 embedded server, or N > 1 for a real cluster on this machine (redis-server, one ingest node, N-1 edge nodes)")
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

	d, err := startDemo(ctx, dir, dc, log)
	if err != nil {
		return err
	}
	for _, n := range d.nodes.nodes {
		fmt.Fprintf(stdout, "proctor demo: %s\n", n.describe())
	}
	if r := d.nodes.redis; r != nil {
		fmt.Fprintf(stdout, "proctor demo: redis-server %s (pid %d)\n", r.addr, r.pid())
	}
	app := d.nodes.app()
	token := d.signer.Sign(auth.Claims{Role: auth.RoleAdmin, Expiry: time.Now().Add(24 * time.Hour).Unix()})
	// The servers and redis-server shut down as soon as ctx ends or the
	// window closes, without waiting for the Fyne loop to return: Fyne
	// 2.8.1 can hang in its exit (a main-thread call queued while the loop
	// drains), and a hung window must not keep the cluster running.
	vctx, vcancel := context.WithCancel(ctx)
	closed := make(chan error, 1)
	go func() {
		<-vctx.Done()
		err := d.close()
		fmt.Fprintf(stdout, "proctor demo: %s\n", d.stopped())
		closed <- err
	}()
	err = viewRun(vctx, ui.Config{Dialer: &viewDialer{log: log}, Server: app.url, Token: token, AutoConnect: true,
		Title: d.title(), Log: log, Focus: *focus, Review: *review})
	vcancel()
	if cerr := <-closed; cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// stopped is the demo's last line once close has returned.
func (d *demo) stopped() string {
	if r := d.nodes.redis; r != nil {
		return fmt.Sprintf("%d nodes and redis-server (pid %d) stopped", len(d.nodes.nodes), r.pid())
	}
	return "server stopped"
}

// demo is a running demo without its window: the servers and the test
// Sentinels publishing to the ingest node. A test starts it headless.
type demo struct {
	nodes  *demoNodes
	signer *auth.Signer
	cancel context.CancelFunc // stops the Sentinels
	wg     sync.WaitGroup     // the Sentinels
}

// startDemo starts dc.nodes servers with data under dir and the demo's 9
// test Sentinels on the ingest node (the only node when dc.nodes is 1).
func startDemo(ctx context.Context, dir string, dc demoConfig, log *slog.Logger) (*demo, error) {
	key := make([]byte, 32)
	rand.Read(key)
	signer, err := auth.NewSigner(key)
	if err != nil {
		return nil, err
	}
	nodes, err := startDemoNodes(ctx, dir, max(dc.nodes, 1), key, log)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	d := &demo{nodes: nodes, signer: signer, cancel: cancel}
	ingest := nodes.ingest().url
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
			var cues []sentinel.Cue
			if dc.events {
				cues = demoCues[hello.Sentinel]
			}
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				if err := demoSentinel(ctx, ingest, tok, hello, cues, dc, log); err != nil && ctx.Err() == nil {
					log.Error("demo sentinel", "sentinel", hello.Sentinel, "err", err)
				}
			}()
		}
	}
	return d, nil
}

// demoSentinelIDs are the ids of the demo's Sentinels.
func demoSentinelIDs() []string {
	var ids []string
	for _, c := range demoCandidates {
		ids = append(ids, c.session+"-cam")
		if c.screen {
			ids = append(ids, c.session+"-screen")
		}
	}
	return ids
}

// title names the node the app talks to, so that a cluster demo shows
// which edge the window is connected to.
func (d *demo) title() string {
	if len(d.nodes.nodes) == 1 {
		return "Proctor demo"
	}
	a := d.nodes.app()
	return fmt.Sprintf("Proctor demo: %s of a %d-node cluster (%s), Sentinels on %s",
		a.describe(), len(d.nodes.nodes), strings.TrimPrefix(d.nodes.redis.url(), "redis://"), d.nodes.ingest().id)
}

// close stops the Sentinels (they say "end" to the ingest node), then the
// servers and redis-server.
func (d *demo) close() error {
	d.cancel()
	d.wg.Wait()
	return d.nodes.close()
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
