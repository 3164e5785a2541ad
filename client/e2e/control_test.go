package e2e

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
)

// TestControl: a watcher's keyframe and fps requests reach the publisher's
// OnControl through the real server; withdrawing the fps request sends the
// Sentinel back to its own rate (fps 0). Afterwards no client goroutine is
// left.
func TestControl(t *testing.T) {
	ctx := testCtx(t)
	e := startServer(t)
	c := makeClip(t, 1, 10)

	ctrl := make(chan string, 16)
	p := client.NewPublisher(e.config(auth.RoleSentinel, "cam-1"), proto.Hello{Sentinel: "cam-1"},
		client.PublishOptions{OnControl: func(m any) {
			switch m := m.(type) {
			case *proto.Keyframe:
				ctrl <- "keyframe"
			case *proto.FPS:
				ctrl <- fmt.Sprint("fps ", m.FPS)
			}
		}})
	pubDone := make(chan error, 1)
	go func() { pubDone <- p.Run(ctx) }()
	p.Init(1, c.init)
	p.Segment(c.segs[0])

	w := client.NewWatcher(e.config(auth.RoleProctor, "p1"))
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	sub := w.Subscribe("cam-1", nil)
	for m := range sub.C { // live: the stream has reached the watcher
		if m.Header.Kind == proto.KindMedia {
			break
		}
	}
	next := func() string {
		t.Helper()
		select {
		case s := <-ctrl:
			return s
		case <-ctx.Done():
			t.Fatal("no control message")
		}
		return ""
	}
	w.Keyframe("cam-1")
	w.FPS("cam-1", 10)
	want := []string{"keyframe", "fps 10"}
	var got []string
	for len(got) < len(want) {
		// The server may first announce the Sentinel's own rate (fps 0).
		if s := next(); s != "fps 0" || len(got) > 0 {
			got = append(got, s)
		}
	}
	w.FPS("cam-1", 0)
	got = append(got, next())
	if fmt.Sprint(got) != fmt.Sprint(append(want, "fps 0")) {
		t.Errorf("publisher got %q", got)
	}

	if clientGoroutines() == 0 {
		t.Fatal("clientGoroutines sees no running client goroutine")
	}
	w.Close()
	wg.Wait()
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-pubDone; err != nil {
		t.Fatal(err)
	}
	// Every goroutine of the client package has ended.
	for ctx.Err() == nil && clientGoroutines() > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	if n := clientGoroutines(); n > 0 {
		t.Errorf("%d client goroutines left", n)
	}
}

// clientGoroutines counts the goroutines running code of package client.
func clientGoroutines() int {
	buf := make([]byte, 1<<20)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "proctor/client.") && !strings.Contains(g, "proctor/client/e2e.") {
			n++
		}
	}
	return n
}
