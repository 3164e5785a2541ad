//go:build !serveronly

package app

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"proctor/proto"
	"proctor/sentinel/pattern"
	"proctor/server/auth"
	"proctor/ui"
)

// TestViewFeedLive follows one test Sentinel through a real server as a
// grid tile does: frames arrive at the tile's size, carry the Sentinel's
// frame numbers in order, and keep coming after a switch to keyframes only.
func TestViewFeedLive(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srvCtx, srvCancel := context.WithCancel(context.Background())
	srv, signer, wait, err := demoServer(srvCtx, t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer wait()
	defer srvCancel()
	id := "feed-cam"
	sdone := make(chan error, 1)
	go func() {
		sdone <- demoSentinel(ctx, srv, signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id}),
			proto.Hello{Sentinel: id, Session: "feed", Source: proto.SourceTest}, nil, demoConfig{width: 320, height: 180, fps: 10}, log)
	}()
	defer func() { cancel(); <-sdone }()

	b, err := (&viewDialer{log: log}).Dial(ctx, srv, signer.Sign(auth.Claims{Role: auth.RoleProctor}))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	f := b.Watch(id, ui.FeedOptions{Width: 256, Height: 144})
	defer f.Close()

	next := func(after uint64) (uint64, uint64) {
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			img, n := f.Frame()
			if n > after {
				if got := img.Bounds().Size(); got.X != 256 || got.Y != 144 {
					t.Fatalf("frame size %v, want 256x144", got)
				}
				num, err := pattern.Decode(img)
				if err != nil {
					t.Fatalf("frame %d: %v", n, err)
				}
				return n, num
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatal("no frame")
		return 0, 0
	}
	n, first := next(0)
	var last uint64
	for i := 0; i < 5; i++ {
		n, last = next(n)
	}
	if last <= first {
		t.Errorf("frame numbers did not advance: %d then %d", first, last)
	}
	f.Configure(ui.FeedOptions{Width: 128, Height: 72, KeyframesOnly: true})
	b.Boost(id, true)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if img, m := f.Frame(); m > n && img.Bounds().Dx() == 128 {
			b.Boost(id, false)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Error("no keyframe-only frame at the new size")
}
