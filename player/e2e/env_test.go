package e2e

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"proctor/client"
	"proctor/player"
	"proctor/proto"
	"proctor/server"
	"proctor/server/auth"
)

var secret = []byte("player-e2e-secret-0123456789")

type env struct {
	http   string
	signer *auth.Signer
}

// startServer runs a real server on a loopback port until the test ends.
func startServer(tb testing.TB) *env {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := server.Config{DataDir: tb.TempDir(), Secret: secret, Window: 20 * time.Second,
		Grace: 5 * time.Second, HeartbeatEvery: 100 * time.Millisecond, ShutdownTimeout: 5 * time.Second}
	s, err := server.New(cfg, log)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		<-done
	})
	sg, err := auth.NewSigner(secret)
	if err != nil {
		tb.Fatal(err)
	}
	return &env{http: "http://" + ln.Addr().String(), signer: sg}
}

func (e *env) config(role auth.Role, sub string) client.Config {
	tok := e.signer.Sign(auth.Claims{Role: role, Subject: sub, Expiry: time.Now().Add(time.Hour).Unix()})
	return client.Config{Server: e.http, Token: tok, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// clip is an ffmpeg-made fMP4 stream split into init and media segments.
type clip struct {
	init []byte
	segs [][]byte
	durs []time.Duration
	keys []bool
}

// encode runs ffmpeg with a lavfi source and splits the output; extra
// goes to the encoder (a bitrate, say).
func encode(tb testing.TB, src string, gop int, movflags string, extra ...string) *clip {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "clip.mp4")
	args := []string{"-v", "error", "-y", "-f", "lavfi", "-i", src, "-pix_fmt", "yuv420p",
		"-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", fmt.Sprint(gop),
		"-keyint_min", fmt.Sprint(gop), "-sc_threshold", "0", "-threads", "1"}
	args = append(args, extra...)
	args = append(args, "-f", "mp4", "-movflags", movflags+"+empty_moov+default_base_moof", out)
	cmd := exec.Command("ffmpeg", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	var boxes [][]byte
	for off := 0; off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		boxes = append(boxes, b[off:off+n])
		off += n
	}
	c := &clip{init: append(append([]byte(nil), boxes[0]...), boxes[1]...)}
	info, err := proto.ParseInit(c.init)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 2; i+1 < len(boxes); i += 2 {
		seg := append(append([]byte(nil), boxes[i]...), boxes[i+1]...)
		mi, err := proto.ParseMedia(seg, &info, nil)
		if err != nil {
			tb.Fatal(err)
		}
		c.segs = append(c.segs, seg)
		c.durs = append(c.durs, time.Duration(mi.Duration*1e6/uint64(info.Timescale))*time.Microsecond)
		c.keys = append(c.keys, mi.Keyframe)
	}
	return c
}

// publish stores the clip as session sid of Sentinel id, first sample at
// base, and waits until the server lists every segment.
func (e *env) publish(tb testing.TB, id, sid string, c *clip, base time.Time) {
	tb.Helper()
	hello := proto.Hello{Type: proto.TypeHello, Sentinel: id, Session: sid, Source: proto.SourceTest}
	pub := client.NewPublisher(e.config(auth.RoleSentinel, id), hello, client.PublishOptions{Backlog: 1 << 30})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pub.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	if err := pub.Init(1, c.init); err != nil {
		tb.Fatal(err)
	}
	t := base
	for i, s := range c.segs {
		if err := pub.Segment(client.Segment{Time: t, Duration: c.durs[i], Keyframe: c.keys[i], Payload: s}); err != nil {
			tb.Fatal(err)
		}
		t = t.Add(c.durs[i])
	}
	h := client.NewHistory(e.config(auth.RoleAdmin, "e2e"))
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		list, err := h.Segments(context.Background(), sid, id, time.Time{}, time.Time{})
		if err == nil && len(list) == len(c.segs) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("server did not store %d segments in 30 s", len(c.segs))
}

// archive is the player's Archive for a stored stream.
func (e *env) archive(id, sid string) player.Archive {
	return client.NewHistory(e.config(auth.RoleAdmin, "e2e")).Stream(sid, id)
}

// frameNumber reads the ten-block frame number drawn by patternSource.
func frameNumber(f player.Frame) int {
	img := f.Image
	w, h := img.Rect.Dx(), img.Rect.Dy()
	n := 0
	for bit := 0; bit < 10; bit++ {
		if img.Pix[(h/8)*img.Stride+((2*bit+1)*w/20)*4] > 128 {
			n |= 1 << bit
		}
	}
	return n
}

// patternSource draws each frame's number as ten black/white blocks.
func patternSource(w, h, fps, frames int) string {
	return fmt.Sprintf("nullsrc=s=%dx%d:r=%d:d=%g,format=gray,"+
		"geq=lum='if(lt(Y,H/4),if(mod(floor(N/pow(2,floor(X*10/W))),2),235,16),128)'",
		w, h, fps, float64(frames)/float64(fps))
}

// waitFrame polls Take (real clock) until a frame comes.
func waitFrame(tb testing.TB, p *player.Player) player.Frame {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if f, ok := p.Take(); ok {
			return f
		}
		time.Sleep(200 * time.Microsecond)
	}
	tb.Fatalf("no frame in 20 s: %+v", p.Stats())
	return player.Frame{}
}
