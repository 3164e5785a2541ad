package e2e

import (
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/httpapi"
)

// TestSegmentListAllPages: a stream with more segments than two pages of
// the server's segment list; History.Segments (what the player and the
// review screen call) still returns every one, in order.
func TestSegmentListAllPages(t *testing.T) {
	ctx := testCtx(t)
	e := startServer(t)
	c := makeClip(t, 10, 10) // 100 segments of 100 ms
	const rounds = 25        // 2,500 segments
	if rounds*len(c.segs) <= 2*httpapi.DefaultSegmentLimit {
		t.Fatal("not more than two pages")
	}
	p := client.NewPublisher(e.config(auth.RoleSentinel, "cam-1"),
		proto.Hello{Type: proto.TypeHello, Sentinel: "cam-1", Session: "long", Source: proto.SourceTest},
		client.PublishOptions{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	p.Init(1, c.init)
	for r := range rounds {
		for _, s := range c.segs {
			s.Time = s.Time.Add(time.Duration(r) * 10 * time.Second)
			p.Segment(s)
		}
	}
	if err := p.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h := client.NewHistory(e.config(auth.RoleReviewer, "rev"))
	list, err := h.Segments(ctx, "long", "cam-1", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != rounds*len(c.segs) {
		t.Fatalf("%d segments, want %d", len(list), rounds*len(c.segs))
	}
	for i, s := range list {
		if s.Sequence != uint64(i) {
			t.Fatalf("segment %d has sequence %d", i, s.Sequence)
		}
	}
	// A time range in the middle, across page boundaries of the range.
	from, to := list[950].Start, list[2100].Start
	part, err := h.Segments(ctx, "long", "cam-1", from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(part) < 1150 || part[0].Sequence > 950 || part[len(part)-1].Sequence != 2100 {
		t.Fatalf("range: %d segments, %d..%d", len(part), part[0].Sequence, part[len(part)-1].Sequence)
	}
}
