package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
)

// TestSlowSubscriber: a watcher whose consumer stops reading does not
// hold up the connection or other watchers; when it reads again it gets a
// skipped notice and continues at a keyframe.
func TestSlowSubscriber(t *testing.T) {
	ctx := testCtx(t)
	e := startServer(t)
	c := makeClip(t, 4, 10)

	p := client.NewPublisher(e.config(auth.RoleSentinel, "cam-1"), proto.Hello{Sentinel: "cam-1"}, client.PublishOptions{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	p.Init(1, c.init)
	for ctx.Err() == nil && !p.Stats().Connected {
		time.Sleep(5 * time.Millisecond)
	}

	fastCfg := e.config(auth.RoleProctor, "p1")
	slowCfg := e.config(auth.RoleProctor, "p2")
	slowCfg.Buffer = 4
	fast, slow := client.NewWatcher(fastCfg), client.NewWatcher(slowCfg)
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, w := range []*client.Watcher{fast, slow} {
		wg.Go(func() { w.Run(ctx) })
		defer w.Close()
	}
	fastGot := collect(fast.Subscribe("cam-1", nil), &wg)
	slowSub := slow.Subscribe("cam-1", nil)
	// Publish once the server has both subscriptions, so both start at 0.
	h := client.NewHistory(e.config(auth.RoleProctor, "p1"))
	for ctx.Err() == nil {
		l, err := h.Sentinels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(l) == 1 && l[0].Watchers == 2 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, s := range c.segs {
		p.Segment(s)
	}
	if !fastGot.waitFor(ctx, len(c.segs)) {
		t.Fatalf("fast watcher got %d of %d", len(fastGot.seqs), len(c.segs))
	}
	// Segments 3..39 find the slow subscriber's channel full.
	for ctx.Err() == nil && slowSub.Stats().Dropped < 37 {
		time.Sleep(5 * time.Millisecond)
	}
	// The slow consumer reads again; the next GOP is published.
	var got []string
	for range 4 {
		got = append(got, describe(<-slowSub.C))
	}
	for i, s := range c.segs[:10] {
		s.Time = s.Time.Add(4 * time.Second)
		if err := p.Segment(s); err != nil {
			t.Fatal(err, i)
		}
	}
	for len(got) < 6 {
		got = append(got, describe(<-slowSub.C))
	}
	want := fmt.Sprint([]string{"i1", "k0", "m1", "m2", "s3-39", "k40"})
	if fmt.Sprint(got) != want {
		t.Errorf("slow watcher got %v, want %v", got, want)
	}
	if st := slowSub.Stats(); st.Dropped < 37 || st.Skips < 1 { // more may drop after: nobody reads
		t.Errorf("slow stats %+v", st)
	}
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
	if !fastGot.waitFor(ctx, 50) || fastGot.skips != 0 {
		t.Errorf("fast watcher: %d segments, %d skips", len(fastGot.seqs), fastGot.skips)
	}
}

func describe(m client.Media) string {
	switch {
	case m.Skipped != nil:
		return fmt.Sprintf("s%d-%d", m.Skipped.From, m.Skipped.To)
	case m.Header.Kind == proto.KindInit:
		return fmt.Sprintf("i%d", m.Header.Seq)
	case m.Header.Keyframe():
		return fmt.Sprintf("k%d", m.Header.Seq)
	}
	return fmt.Sprintf("m%d", m.Header.Seq)
}
