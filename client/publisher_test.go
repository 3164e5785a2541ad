package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"proctor/proto"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// seg makes a test segment; every gop-th one is a keyframe.
func seg(i, gop, size int) Segment {
	p := make([]byte, size)
	p[0] = byte(i)
	return Segment{Time: time.UnixMicro(int64(i) * 100_000), Duration: 100 * time.Millisecond, Keyframe: i%gop == 0, Payload: p}
}

// runPublisher runs p.Run in a goroutine; the returned func waits for it.
func runPublisher(t *testing.T, ctx context.Context, p *Publisher) func() error {
	var wg sync.WaitGroup
	var err error
	wg.Go(func() { err = p.Run(ctx) })
	t.Cleanup(wg.Wait)
	return func() error { wg.Wait(); return err }
}

func seqs(from, to uint64) []uint64 {
	var s []uint64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func TestPublishResumeAfterCut(t *testing.T) {
	ctx := testCtx(t)
	peer := newPeer(t, "tok")
	peer.next = 100 // the Sentinel published before: numbering starts here
	peer.dropAt[104] = true
	peer.dropAt[111] = true
	p := NewPublisher(peer.config(), proto.Hello{Sentinel: "cam-1", Source: proto.SourceTest}, PublishOptions{})
	if err := p.Init(1, []byte("init-1")); err != nil {
		t.Fatal(err)
	}
	wait := runPublisher(t, ctx, p)
	for i := range 20 {
		if err := p.Segment(seg(i, 5, 100)); err != nil {
			t.Fatal(err)
		}
		if i == 9 {
			peer.wait(ctx, func() bool { return len(peer.stored) >= 4 })
			peer.kill() // a cut while segments are in flight
		}
	}
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil {
		t.Fatalf("Run after End = %v, want nil", err)
	}
	peer.mu.Lock()
	defer peer.mu.Unlock()
	if want := seqs(100, 119); !slices.Equal(peer.stored, want) {
		t.Errorf("stored %v, want %v", peer.stored, want)
	}
	if peer.gaps != 0 || !peer.ended {
		t.Errorf("gaps %d, ended %v", peer.gaps, peer.ended)
	}
	if len(peer.hellos) < 3 {
		t.Errorf("%d hellos, want at least 3 (two cuts)", len(peer.hellos))
	}
	for i, h := range peer.hellos[1:] {
		if h.Session != "s1" {
			t.Errorf("hello %d after reconnect has session %q, want s1", i+1, h.Session)
		}
	}
	if len(peer.inits) != len(peer.hellos) {
		t.Errorf("%d inits for %d connections: the init must be re-sent on each", len(peer.inits), len(peer.hellos))
	}
	st := p.Stats()
	if st.Segments != 20 || st.Dropped != 0 || st.Connects < 3 || st.Resent < 2 || st.Next != 120 {
		t.Errorf("stats %+v", st)
	}
}

func TestPublishBacklogWhileDisconnected(t *testing.T) {
	ctx := testCtx(t)
	peer := newPeer(t, "tok")
	peer.next = 7
	// 4 GOPs of 5 segments of 100 bytes; room for 2 GOPs and a bit.
	p := NewPublisher(peer.config(), proto.Hello{Sentinel: "cam-1"}, PublishOptions{Backlog: 1050})
	p.Init(1, []byte("init-1"))
	for i := range 20 {
		p.Segment(seg(i, 5, 100))
	}
	if st := p.Stats(); st.Dropped != 10 || st.DroppedBytes != 1000 || st.Pending != 10 {
		t.Fatalf("before connecting: %+v, want 10 dropped, 10 pending", st)
	}
	wait := runPublisher(t, ctx, p)
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	peer.mu.Lock()
	defer peer.mu.Unlock()
	// The first two GOPs (7..16) were dropped; the server sees the gap.
	if want := seqs(17, 26); !slices.Equal(peer.stored, want) {
		t.Errorf("stored %v, want %v", peer.stored, want)
	}
	if peer.gaps != 1 {
		t.Errorf("gaps %d, want 1", peer.gaps)
	}
}

func TestPublishNewGenerationOrder(t *testing.T) {
	ctx := testCtx(t)
	peer := newPeer(t, "tok")
	p := NewPublisher(peer.config(), proto.Hello{Sentinel: "cam-1"}, PublishOptions{})
	p.Init(1, []byte("init-1"))
	p.Segment(seg(0, 2, 10))
	p.Segment(seg(1, 2, 10))
	p.Init(2, []byte("init-2"))
	p.Segment(seg(2, 2, 10))
	wait := runPublisher(t, ctx, p)
	peer.wait(ctx, func() bool { return len(peer.stored) == 3 })
	p.Details(map[string]string{"candidate": "a"})
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	wait()
	peer.mu.Lock()
	defer peer.mu.Unlock()
	if !slices.Equal(peer.inits, []uint64{1, 2}) || !slices.Equal(peer.stored, seqs(0, 2)) {
		t.Errorf("inits %v stored %v", peer.inits, peer.stored)
	}
	if len(peer.details) != 1 || peer.details[0]["candidate"] != "a" {
		t.Errorf("details %v", peer.details)
	}
}

func TestPublishRefused(t *testing.T) {
	tests := []struct {
		name    string
		token   string
		refuse  []*proto.Error
		want    error
		hellos  int
		success bool
	}{
		{name: "bad token at handshake", token: "wrong", want: ErrUnauthorized},
		{name: "unauthorized message", refuse: []*proto.Error{proto.NewError(proto.CodeUnauthorized, "expired")}, want: ErrUnauthorized, hellos: 1},
		{name: "forbidden id", refuse: []*proto.Error{proto.NewError(proto.CodeForbidden, "not your id")}, want: ErrForbidden, hellos: 1},
		{name: "bad id", refuse: []*proto.Error{proto.NewError(proto.CodeBadID, "bad id")}, want: ErrRejected, hellos: 1},
		{name: "session closed", refuse: []*proto.Error{proto.NewError(CodeSessionClosed, "session s1 is closed")}, want: ErrSessionClosed, hellos: 1},
		{name: "unavailable is retried", refuse: []*proto.Error{proto.NewError(proto.CodeUnavailable, "cannot store segment 0 now")}, hellos: 2, success: true},
		{name: "conflict is retried", refuse: []*proto.Error{proto.NewError(proto.CodeConflict, "another publisher"), proto.NewError(proto.CodeConflict, "another publisher")}, hellos: 3, success: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			peer := newPeer(t, "tok")
			peer.refuse = tc.refuse
			cfg := peer.config()
			if tc.token != "" {
				cfg.Token = tc.token
			}
			p := NewPublisher(cfg, proto.Hello{Sentinel: "cam-1"}, PublishOptions{})
			p.Init(1, []byte("init"))
			wait := runPublisher(t, ctx, p)
			if tc.success {
				if err := p.End(ctx); err != nil {
					t.Fatal(err)
				}
			}
			err := wait()
			if tc.success {
				if err != nil {
					t.Fatalf("Run = %v, want nil", err)
				}
			} else if !errors.Is(err, tc.want) {
				t.Fatalf("Run = %v, want %v", err, tc.want)
			}
			if len(peer.hellos) != tc.hellos {
				t.Errorf("%d hellos, want %d", len(peer.hellos), tc.hellos)
			}
			if !tc.success {
				if err := p.End(ctx); err == nil {
					t.Error("End after a fatal error = nil")
				}
			}
		})
	}
}

func TestPublishControl(t *testing.T) {
	ctx := testCtx(t)
	peer := newPeer(t, "tok")
	peer.ctrl = []any{&proto.Keyframe{Type: proto.TypeKeyframe}, &proto.FPS{Type: proto.TypeFPS, FPS: 15}}
	got := make(chan any, 2)
	p := NewPublisher(peer.config(), proto.Hello{Sentinel: "cam-1"}, PublishOptions{OnControl: func(m any) { got <- m }})
	p.Init(1, []byte("init"))
	wait := runPublisher(t, ctx, p)
	var all []string
	for range 2 {
		select {
		case m := <-got:
			all = append(all, fmt.Sprintf("%T %v", m, m))
		case <-ctx.Done():
			t.Fatal("no control message")
		}
	}
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	wait()
	want := []string{"*proto.Keyframe &{keyframe }", "*proto.FPS &{fps  15}"}
	if !slices.Equal(all, want) {
		t.Errorf("control %q, want %q", all, want)
	}
}

func TestPublishUnreachableEndTimesOut(t *testing.T) {
	ctx := testCtx(t)
	p := NewPublisher(Config{Server: "http://127.0.0.1:1", MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		proto.Hello{Sentinel: "cam-1"}, PublishOptions{})
	p.Init(1, []byte("init"))
	p.Segment(seg(0, 1, 10))
	wait := runPublisher(t, ctx, p)
	ectx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	err := p.End(ectx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("End = %v, want deadline exceeded", err)
	}
	if err := wait(); err != nil {
		t.Fatalf("Run after End = %v", err)
	}
	if st := p.Stats(); !errors.Is(p.Segment(seg(1, 1, 10)), ErrClosed) || st.LastError == "" {
		t.Errorf("stats %+v", st)
	}
}
