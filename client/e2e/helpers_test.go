package e2e

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"proctor/client"
	"proctor/internal/testmedia"
	"proctor/server"
	"proctor/server/auth"
)

var secret = []byte("e2e-secret-0123456789")

// clip is real H.264 fMP4 from the ffmpeg CLI, split into the init segment
// and one segment per moof+mdat pair.
type clip struct {
	init []byte
	segs []client.Segment
}

// clipStarts holds, per [2]int{seconds, gop}, the wall-clock time of the
// clip's first sample: the first makeClip call's time, every call after.
var clipStarts sync.Map

// makeClip encodes seconds of testsrc2 at 10 fps, a keyframe every gop
// frames, one fragment per frame (ffmpeg runs once per test binary and
// parameters).
func makeClip(t *testing.T, seconds, gop int) *clip {
	t.Helper()
	tc := testmedia.Split(t, testmedia.Encode(t, testmedia.Options{Size: "320x240", FPS: 10, GOP: gop,
		Seconds: float64(seconds), Movflags: "frag_every_frame"}))
	v, _ := clipStarts.LoadOrStore([2]int{seconds, gop}, time.Now().Truncate(time.Millisecond))
	c := &clip{init: tc.Init}
	for _, s := range tc.Segments {
		c.segs = append(c.segs, client.Segment{Time: v.(time.Time).Add(s.Start), Duration: s.Duration, Keyframe: s.Keyframe, Payload: s.Payload})
	}
	if len(c.segs) != seconds*10 {
		t.Fatalf("clip: init %d bytes, %d segments", len(c.init), len(c.segs))
	}
	return c
}

// env is a real server on loopback, reached through a proxy that can cut
// every connection; restart replaces the server by a new one on the same
// data directory.
type env struct {
	t      *testing.T
	proxy  *proxy
	signer *auth.Signer
	dir    string
	stop   func()
}

func startServer(t *testing.T) *env {
	t.Helper()
	signer, _ := auth.NewSigner(secret)
	e := &env{t: t, signer: signer, dir: t.TempDir()}
	e.proxy = newProxy(t, e.serve())
	t.Cleanup(func() { e.proxy.close(); e.stop() })
	return e
}

// serve starts a server on e.dir and returns its address.
func (e *env) serve() string {
	t := e.t
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := server.New(server.Config{DataDir: e.dir, Secret: secret}, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := srv.Serve(ctx, ln); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	e.stop = func() { cancel(); wg.Wait() }
	return ln.Addr().String()
}

// down shuts the server down gracefully; clients see refused connections.
func (e *env) down() {
	e.stop()
	e.stop = func() {}
	e.proxy.retarget("127.0.0.1:1")
}

// up starts a new server on the same data directory behind the proxy.
func (e *env) up() { e.proxy.retarget(e.serve()) }

// config returns a client config for role and subject, through the proxy.
func (e *env) config(role auth.Role, subject string) client.Config {
	cfg := client.Config{
		Server:     "http://" + e.proxy.addr(),
		Token:      e.signer.Sign(auth.Claims{Role: role, Subject: subject}),
		MinBackoff: 20 * time.Millisecond,
		MaxBackoff: 200 * time.Millisecond,
	}
	if testing.Verbose() {
		cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("client", subject)
	}
	return cfg
}

// proxy forwards TCP connections to a target; cut severs them all.
type proxy struct {
	ln net.Listener
	wg sync.WaitGroup

	mu     sync.Mutex
	target string
	conns  map[net.Conn]bool
}

func (p *proxy) retarget(addr string) {
	p.mu.Lock()
	p.target = addr
	p.mu.Unlock()
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Go(p.accept)
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		target := p.target
		p.mu.Unlock()
		s, err := net.Dial("tcp", target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		pipe := func(dst, src net.Conn) {
			io.Copy(dst, src)
			dst.Close()
			src.Close()
			p.mu.Lock()
			delete(p.conns, dst)
			delete(p.conns, src)
			p.mu.Unlock()
		}
		p.wg.Go(func() { pipe(s, c) })
		p.wg.Go(func() { pipe(c, s) })
	}
}

// cut closes every proxied connection, both sides, at once.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func (p *proxy) close() {
	p.ln.Close()
	p.cut()
	p.wg.Wait()
}
