package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
)

// storedSeqs lists the stored sequences of a stream and whether any is
// flagged as a discontinuity.
func storedSeqs(t *testing.T, ctx context.Context, h *client.History, sid, id string) (seqs []uint64, disc []uint64) {
	t.Helper()
	list, err := h.Segments(ctx, sid, id, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		seqs = append(seqs, s.Sequence)
		if s.Discontinuity {
			disc = append(disc, s.Sequence)
		}
	}
	return seqs, disc
}

func waitStored(t *testing.T, ctx context.Context, h *client.History, sid, id string, n int) {
	t.Helper()
	for ctx.Err() == nil {
		if seqs, _ := storedSeqs(t, ctx, h, sid, id); len(seqs) >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("fewer than %d segments stored", n)
}

// TestServerRestart: the server goes down mid-stream, the publisher queues
// in its backlog, the server comes back on the same data and the publisher
// resumes at welcome.next into the same session. With a backlog too small
// for the outage, the oldest whole GOPs are dropped and the server records
// the gap.
func TestServerRestart(t *testing.T) {
	tests := []struct {
		name    string
		backlog int64 // in GOPs of the clip; 0: unbounded
		dropped int   // segments the publisher drops
	}{
		{"backlog holds the outage", 0, 0},
		{"backlog drops the oldest GOPs", 2, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			e := startServer(t)
			c := makeClip(t, 4, 10) // 4 GOPs of 10 segments
			opts := client.PublishOptions{}
			if tc.backlog > 0 {
				var gop int64
				for _, s := range c.segs[:10] {
					gop += int64(len(s.Payload))
				}
				// The largest GOP of the outage fits twice, with room to spare.
				opts.Backlog = tc.backlog*gop + gop/2
			}
			p := client.NewPublisher(e.config(auth.RoleSentinel, "cam-1"), proto.Hello{Sentinel: "cam-1"}, opts)
			done := make(chan error, 1)
			go func() { done <- p.Run(ctx) }()
			p.Init(1, c.init)
			for _, s := range c.segs[:10] {
				p.Segment(s)
			}
			h := client.NewHistory(e.config(auth.RoleReviewer, "r1"))
			for ctx.Err() == nil && p.Stats().Session == "" {
				time.Sleep(5 * time.Millisecond)
			}
			sid := p.Stats().Session
			waitStored(t, ctx, h, sid, "cam-1", 10)

			e.down()
			for _, s := range c.segs[10:] {
				p.Segment(s) // queued: nobody to send to
			}
			if st := p.Stats(); st.Dropped != int64(tc.dropped) {
				t.Errorf("dropped %d while down, want %d (stats %+v)", st.Dropped, tc.dropped, st)
			}
			e.up()
			if err := p.End(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if st := p.Stats(); st.Session != sid || st.Connects < 2 {
				t.Errorf("stats %+v: want the same session %s after the restart", st, sid)
			}
			seqs, disc := storedSeqs(t, ctx, h, sid, "cam-1")
			var want []uint64
			for i := range uint64(40) {
				if i < 10 || i >= uint64(10+tc.dropped) {
					want = append(want, i)
				}
			}
			if fmt.Sprint(seqs) != fmt.Sprint(want) {
				t.Errorf("stored %v, want %v", seqs, want)
			}
			wantDisc := "[]"
			if tc.dropped > 0 {
				wantDisc = fmt.Sprint([]uint64{uint64(10 + tc.dropped)})
			}
			if fmt.Sprint(disc) != wantDisc {
				t.Errorf("discontinuities at %v, want %s", disc, wantDisc)
			}
		})
	}
}
