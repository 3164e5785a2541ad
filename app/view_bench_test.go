//go:build !serveronly

package app

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/ui"
)

// reviewFixture is an embedded server holding a few seconds of one test
// Sentinel's recording, and a backend connected to it as the app is.
type reviewFixture struct {
	backend ui.Backend
	session proto.Session
	id      string
	stop    func()
}

func newReviewFixture(b *testing.B, record time.Duration) *reviewFixture {
	b.Helper()
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	srvURL, signer, wait, err := demoServer(ctx, b.TempDir(), log)
	if err != nil {
		b.Fatal(err)
	}
	id := "bench-cam"
	hello := proto.Hello{Sentinel: id, Session: "bench", Source: proto.SourceTest}
	sctx, scancel := context.WithTimeout(ctx, record)
	defer scancel()
	tok := signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id})
	if err := demoSentinel(sctx, srvURL, tok, hello, nil, demoConfig{width: 640, height: 360, fps: 5}, log); err != nil {
		b.Fatal(err)
	}
	d := &viewDialer{log: log}
	be, err := d.Dial(ctx, srvURL, signer.Sign(auth.Claims{Role: auth.RoleReviewer}))
	if err != nil {
		b.Fatal(err)
	}
	s, err := be.Session(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return &reviewFixture{backend: be, session: s, id: id, stop: func() {
		be.Close()
		cancel()
		wait()
	}}
}

// waitFrame polls p until it shows a frame newer than after whose time is
// within tol of want (any time when want is zero).
func waitFrame(b *testing.B, p ui.Playback, after uint64, want time.Time, tol time.Duration) uint64 {
	deadline := time.Now().Add(20 * time.Second)
	var n uint64
	var at time.Time
	for time.Now().Before(deadline) {
		if _, n, at = p.Frame(); n > after && (want.IsZero() || at.Sub(want).Abs() <= tol) {
			return n
		}
		time.Sleep(500 * time.Microsecond)
	}
	b.Fatalf("no frame after %d near %v within 20 s: last frame %d at %v", after, want, n, at)
	return 0
}

// BenchmarkReviewFirstPicture is the time from opening a recorded session
// for review (as the review screen does, per Sentinel) to its first
// picture, over HTTP on loopback. Goal: under 150 ms.
func BenchmarkReviewFirstPicture(b *testing.B) {
	f := newReviewFixture(b, 6*time.Second)
	defer f.stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := f.backend.Open(f.session.ID, f.id, ui.ReviewOptions{Width: 640, Height: 360, Start: f.session.Start.Add(2500 * time.Millisecond), Paused: true})
		waitFrame(b, p, 0, time.Time{}, 0)
		b.StopTimer()
		p.Close()
		b.StartTimer()
	}
}

// BenchmarkReviewSeek is the time from a click on the timeline (Seek) to
// the picture at the new time, alternating between two points of the
// recording in different GOPs. Goal: under 150 ms.
func BenchmarkReviewSeek(b *testing.B) {
	f := newReviewFixture(b, 7*time.Second)
	defer f.stop()
	p := f.backend.Open(f.session.ID, f.id, ui.ReviewOptions{Width: 640, Height: 360, Start: f.session.Start.Add(time.Second), Paused: true})
	defer p.Close()
	n := waitFrame(b, p, 0, time.Time{}, 0)
	targets := []time.Time{f.session.Start.Add(1500 * time.Millisecond), f.session.Start.Add(4700 * time.Millisecond)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := targets[i%2]
		p.Seek(t)
		n = waitFrame(b, p, n, t, 250*time.Millisecond)
	}
}
