package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"proctor/client"
	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/server/auth"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// collector reads a subscription and records the media sequences.
type collector struct {
	mu    sync.Mutex
	cond  *sync.Cond
	seqs  []uint64
	inits int
	skips int
	pay   map[uint64][]byte
}

func collect(sub *client.Subscription, wg *sync.WaitGroup) *collector {
	c := &collector{pay: map[uint64][]byte{}}
	c.cond = sync.NewCond(&c.mu)
	wg.Go(func() {
		for m := range sub.C {
			c.mu.Lock()
			switch {
			case m.Skipped != nil:
				c.skips++
			case m.Header.Kind == proto.KindInit:
				c.inits++
			default:
				c.seqs = append(c.seqs, m.Header.Seq)
				c.pay[m.Header.Seq] = m.Payload
			}
			c.cond.Broadcast()
			c.mu.Unlock()
		}
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	return c
}

func (c *collector) waitFor(ctx context.Context, n int) bool {
	stop := context.AfterFunc(ctx, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.seqs) < n && ctx.Err() == nil {
		c.cond.Wait()
	}
	return len(c.seqs) >= n
}

// TestResumeAfterCut publishes real fMP4 through a proxy, watches it
// through the same proxy, cuts every connection mid-stream and checks that
// the watcher and the store both have every segment once, in order.
func TestResumeAfterCut(t *testing.T) {
	ctx := testCtx(t)
	e := startServer(t)
	c := makeClip(t, 4, 10)
	n := len(c.segs)

	w := client.NewWatcher(e.config(auth.RoleProctor, "p1"))
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		if err := w.Run(ctx); err != nil {
			t.Errorf("watcher Run: %v", err)
		}
	})
	defer w.Close()
	got := collect(w.Subscribe("cam-1", nil), &wg)

	pub := client.NewPublisher(e.config(auth.RoleSentinel, "cam-1"),
		proto.Hello{Sentinel: "cam-1", Source: proto.SourceTest, Details: map[string]string{"candidate": "ada"}},
		client.PublishOptions{})
	pubDone := make(chan error, 1)
	go func() { pubDone <- pub.Run(ctx) }()
	if err := pub.Init(1, c.init); err != nil {
		t.Fatal(err)
	}
	const cutAt = 15
	for i, s := range c.segs {
		if err := pub.Segment(s); err != nil {
			t.Fatal(err)
		}
		if i == cutAt-1 {
			if !got.waitFor(ctx, cutAt) {
				t.Fatalf("watcher got %v before the cut", got.seqs)
			}
			e.proxy.cut() // the publisher's and the watcher's connections
		}
	}
	if err := pub.End(ctx); err != nil {
		t.Fatalf("End: %v", err)
	}
	if err := <-pubDone; err != nil {
		t.Fatalf("publisher Run: %v", err)
	}
	if !got.waitFor(ctx, n) {
		t.Fatalf("watcher got %d of %d segments: %v", len(got.seqs), n, got.seqs)
	}

	// The watcher: every sequence once, in order, with the payload sent.
	got.mu.Lock()
	for i, seq := range got.seqs {
		if seq != uint64(i) {
			t.Fatalf("watcher sequences %v: want 0..%d, no gap, no duplicate", got.seqs, n-1)
		}
		if !bytes.Equal(got.pay[seq], c.segs[i].Payload) {
			t.Fatalf("segment %d: payload differs", seq)
		}
	}
	if got.skips != 0 || got.inits < 2 {
		t.Errorf("watcher: %d skips, %d inits (want none, and the init again after the resume)", got.skips, got.inits)
	}
	got.mu.Unlock()
	st := pub.Stats()
	if st.Connects < 2 || st.Dropped != 0 || st.Segments != int64(n) || st.Next != uint64(n) {
		t.Errorf("publisher stats %+v", st)
	}

	// The store: every sequence once, no discontinuity, bytes intact.
	h := client.NewHistory(e.config(auth.RoleReviewer, "r1"))
	// The server closes the session right after the connection, so it may
	// still be open for a moment.
	var sess proto.Session
	var err error
	for ctx.Err() == nil {
		if sess, err = h.Session(ctx, st.Session); err != nil {
			t.Fatal(err)
		}
		if sess.State != proto.SessionOpen {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if sess.State != proto.SessionClosed || sess.Details["candidate"] != "ada" {
		t.Errorf("session %+v: want closed with the hello's details", sess)
	}
	list, err := h.Segments(ctx, st.Session, "cam-1", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Fatalf("stored %d segments, want %d", len(list), n)
	}
	for i, s := range list {
		if s.Sequence != uint64(i) || s.Discontinuity || s.Keyframe != c.segs[i].Keyframe {
			t.Fatalf("stored segment %d: %+v", i, s)
		}
	}
	for _, seq := range []uint64{0, cutAt - 1, cutAt, uint64(n - 1)} {
		b, err := h.Segment(ctx, st.Session, "cam-1", seq)
		if err != nil || !bytes.Equal(b, c.segs[seq].Payload) {
			t.Fatalf("segment %d over HTTP: %d bytes, %v", seq, len(b), err)
		}
	}
	init, err := h.Init(ctx, st.Session, "cam-1", 0)
	if err != nil || !bytes.Equal(init, c.init) {
		t.Fatalf("init over HTTP: %d bytes, %v", len(init), err)
	}

	// The export plays: ffprobe counts every frame.
	out := filepath.Join(t.TempDir(), "export.mp4")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	var done, total int64
	err = h.Export(ctx, st.Session, "cam-1", time.Time{}, time.Time{}, f, func(d, tt int64) { done, total = d, tt })
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(out); fi.Size() != done || (total != 0 && total != done) {
		t.Errorf("export progress %d/%d, file %d bytes", done, total, fi.Size())
	}
	if frames := testmedia.CountFramesIn(t, out); frames != n {
		t.Errorf("export has %d frames, want %d", frames, n)
	}
}
