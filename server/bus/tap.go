package bus

import (
	"sync"

	"proctor/proto"
	"proctor/server/hub"
)

// tap copies a held Sentinel's hub stream into the Writer: a cursor of its
// own on the ring, so the ingest path is unchanged and the bytes are not
// copied (the writer sends the ring's payload as is). The Writer never
// blocks, so the tap never falls behind the ring.
type tap struct {
	done chan struct{}
	wg   sync.WaitGroup
}

// startTap follows st from its next segment (a reconnecting Sentinel's
// earlier segments were sent already); the cursor delivers the current
// init first.
func startTap(c *Cluster, id string, st *hub.Stream, epoch int64) *tap {
	t := &tap{done: make(chan struct{})}
	wake := make(chan struct{}, 1)
	var cur *hub.Cursor
	if s := st.Stats(); s.Segments > 0 {
		from := s.LastSeq + 1
		cur = st.Subscribe(&from, wake)
	} else {
		cur = st.Subscribe(nil, wake)
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer cur.Close()
		var gen uint64
		for {
			for {
				it, ok, err := cur.Next()
				if err != nil {
					return // the stream closed
				}
				if !ok {
					break
				}
				if it.Kind == hub.ItemSkipped {
					c.log.Warn("tap skipped segments", "sentinel", id, "from", it.From, "to", it.To)
					continue
				}
				h, payload, err := proto.Decode(it.Msg)
				if err != nil {
					continue // the hub holds only messages ingest validated
				}
				s := Segment{Sentinel: id, Kind: h.Kind, Flags: h.Flags, Time: h.Time, Duration: h.Duration,
					Data: payload, Epoch: epoch}
				if h.Kind == proto.KindInit {
					gen = h.Seq
				} else {
					s.Seq = h.Seq
				}
				s.Generation = gen
				c.w.Publish(s)
			}
			select {
			case <-t.done:
				return
			case <-wake:
			}
		}
	}()
	return t
}

func (t *tap) stop() {
	close(t.done)
	t.wg.Wait()
}
