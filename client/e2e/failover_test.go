package e2e

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
)

// deadURL returns a loopback URL nothing listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// listConfig is cfg with servers as its list, in that order.
func listConfig(cfg client.Config, servers ...string) client.Config {
	cfg.Server = ""
	cfg.Servers = servers
	return cfg
}

func (e *env) url() string { return "http://" + e.proxy.addr() }

func seqList(from, to uint64) string {
	var s []uint64
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return fmt.Sprint(s)
}

// publish starts p.Run and returns a function that ends it and checks
// both End and Run succeeded.
func publish(t *testing.T, ctx context.Context, p *client.Publisher) (end func()) {
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	return func() {
		t.Helper()
		if err := p.End(ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// TestFailoverFirstServerDown: with the first URL of the list dead, the
// publisher publishes to the second and History reads it through the same
// list, nothing lost.
func TestFailoverFirstServerDown(t *testing.T) {
	ctx := testCtx(t)
	b := startServer(t)
	c := makeClip(t, 1, 10)
	dead := deadURL(t)

	p := client.NewPublisher(listConfig(b.config(auth.RoleSentinel, "cam-1"), dead, b.url()),
		proto.Hello{Sentinel: "cam-1"}, client.PublishOptions{})
	end := publish(t, ctx, p)
	p.Init(1, c.init)
	for _, s := range c.segs {
		p.Segment(s)
	}
	end()
	st := p.Stats()
	h := client.NewHistory(listConfig(b.config(auth.RoleReviewer, "r1"), dead, b.url()))
	seqs, disc := storedSeqs(t, ctx, h, st.Session, "cam-1")
	if got, want := fmt.Sprint(seqs), seqList(0, 10); got != want || len(disc) != 0 {
		t.Errorf("second server stored %s (discontinuities %v), want %s", got, disc, want)
	}
}

// TestFailoverMidStream: the publisher's server shuts down, or its
// connection is cut, mid-stream and the publisher moves to the other,
// independent server. That server knows nothing of the stream
// (welcome.next 0), so the publisher resumes there from its backlog: the
// new node's data has no gap from its next on, and the first node keeps
// what it had stored.
func TestFailoverMidStream(t *testing.T) {
	tests := []struct {
		name string
		fail func(a *env)
	}{
		{"server shuts down", (*env).down},
		{"connection dropped", func(a *env) { a.proxy.cut() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			a, b := startServer(t), startServer(t)
			c := makeClip(t, 2, 10)

			p := client.NewPublisher(listConfig(a.config(auth.RoleSentinel, "cam-1"), a.url(), b.url()),
				proto.Hello{Sentinel: "cam-1"}, client.PublishOptions{})
			end := publish(t, ctx, p)
			p.Init(1, c.init)
			for _, s := range c.segs[:10] {
				p.Segment(s)
			}
			ha := client.NewHistory(a.config(auth.RoleReviewer, "r1"))
			for ctx.Err() == nil && p.Stats().Session == "" {
				time.Sleep(5 * time.Millisecond)
			}
			sid := p.Stats().Session
			waitStored(t, ctx, ha, sid, "cam-1", 10)
			onA, _ := storedSeqs(t, ctx, ha, sid, "cam-1")

			tc.fail(a)
			for _, s := range c.segs[10:] {
				p.Segment(s)
			}
			end()
			if st := p.Stats(); st.Session != sid || st.Connects != 2 {
				t.Errorf("stats %+v: want session %s and 2 connects", st, sid)
			}
			hb := client.NewHistory(b.config(auth.RoleReviewer, "r1"))
			seqs, disc := storedSeqs(t, ctx, hb, sid, "cam-1")
			if got, want := fmt.Sprint(seqs), seqList(0, 20); got != want || len(disc) != 0 {
				t.Errorf("second server stored %s (discontinuities %v), want %s", got, disc, want)
			}
			if got, want := fmt.Sprint(onA), seqList(0, 10); got != want {
				t.Errorf("first server stored %s, want %s", got, want)
			}
		})
	}
}

// TestFailoverWatcher: the watcher's server shuts down; the watcher
// reconnects to the other server and resubscribes from the last sequence
// it got. Both servers are fed the same stream by their own publisher (no
// bus between them), so the sequence the watcher sees must run on with no
// gap and no duplicate.
func TestFailoverWatcher(t *testing.T) {
	ctx := testCtx(t)
	a, b := startServer(t), startServer(t)
	c := makeClip(t, 2, 10)

	pa := client.NewPublisher(a.config(auth.RoleSentinel, "cam-1"), proto.Hello{Sentinel: "cam-1"}, client.PublishOptions{})
	pb := client.NewPublisher(b.config(auth.RoleSentinel, "cam-1"), proto.Hello{Sentinel: "cam-1"}, client.PublishOptions{})
	ctxA, stopA := context.WithCancel(ctx)
	defer stopA()
	runA := make(chan error, 1)
	go func() { runA <- pa.Run(ctxA) }()
	endB := publish(t, ctx, pb)
	for _, p := range []*client.Publisher{pa, pb} {
		p.Init(1, c.init)
		for _, s := range c.segs[:10] {
			p.Segment(s)
		}
	}

	w := client.NewWatcher(listConfig(a.config(auth.RoleProctor, "p1"), a.url(), b.url()))
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	defer func() { w.Close(); wg.Wait() }()
	sub := w.Subscribe("cam-1", nil)

	var got []uint64
	inits := 0
	read := func(until uint64) {
		t.Helper()
		for len(got) == 0 || got[len(got)-1] < until {
			select {
			case m, ok := <-sub.C:
				if !ok {
					t.Fatalf("subscription closed after %v", got)
				}
				switch {
				case m.Skipped != nil:
					t.Fatalf("skipped %+v after %v", m.Skipped, got)
				case m.Header.Kind == proto.KindInit:
					inits++
				default:
					got = append(got, m.Header.Seq)
				}
			case <-ctx.Done():
				t.Fatalf("got %v, want up to %d", got, until)
			}
		}
	}
	read(9)
	a.down()
	stopA() // it has nowhere else to go
	<-runA
	for _, s := range c.segs[10:] {
		pb.Segment(s)
	}
	read(19)
	endB()
	if fmt.Sprint(got) != seqList(0, 20) {
		t.Errorf("watcher got %v, want %s", got, seqList(0, 20))
	}
	if inits != 2 {
		t.Errorf("%d init segments, want one per server", inits)
	}
}

// TestFailoverHigherGeneration: the node the publisher fails over to holds
// a later init generation of the session (stored by an earlier run of the
// Sentinel) than the publisher has sent. The publisher must not re-send an
// older generation there, which the node refuses for good, but continue
// with a new one above the node's: the stream goes on on that node.
func TestFailoverHigherGeneration(t *testing.T) {
	ctx := testCtx(t)
	a, b := startServer(t), startServer(t)
	c := makeClip(t, 2, 10)
	hello := proto.Hello{Sentinel: "cam-1", Session: "exam-1"}

	// An earlier run on A, cut off without an end (the session stays
	// open): generations 1 to 3, one segment each.
	x := client.NewPublisher(a.config(auth.RoleSentinel, "cam-1"), hello, client.PublishOptions{})
	xctx, stopX := context.WithCancel(ctx)
	xdone := make(chan error, 1)
	go func() { xdone <- x.Run(xctx) }()
	for g := range uint64(3) {
		x.Init(g+1, c.init)
		x.Segment(c.segs[10*(g%2)]) // keyframes
	}
	ha := client.NewHistory(a.config(auth.RoleReviewer, "r1"))
	for ctx.Err() == nil && x.Stats().Session == "" {
		time.Sleep(5 * time.Millisecond)
	}
	waitStored(t, ctx, ha, "exam-1", "cam-1", 3)
	stopX()
	<-xdone

	// This run starts on B, which has nothing, then moves to A.
	p := client.NewPublisher(listConfig(a.config(auth.RoleSentinel, "cam-1"), b.url(), a.url()), hello, client.PublishOptions{})
	end := publish(t, ctx, p)
	p.Init(1, c.init)
	for _, s := range c.segs[:10] {
		p.Segment(s)
	}
	hb := client.NewHistory(b.config(auth.RoleReviewer, "r1"))
	for ctx.Err() == nil && p.Stats().Session == "" {
		time.Sleep(5 * time.Millisecond)
	}
	waitStored(t, ctx, hb, "exam-1", "cam-1", 10)
	b.down()
	for _, s := range c.segs[10:] {
		p.Segment(s)
	}
	end()
	seqs, _ := storedSeqs(t, ctx, ha, "exam-1", "cam-1")
	if got, want := fmt.Sprint(seqs), seqList(0, 20); got != want {
		t.Errorf("A stored %s, want %s", got, want)
	}
	list, err := ha.Segments(ctx, "exam-1", "cam-1", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if g := list[len(list)-1].Generation; g <= 3 {
		t.Errorf("last segment of generation %d, want one above the stored 3", g)
	}
}
