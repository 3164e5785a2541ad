package bus

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"proctor/internal/testredis"
	"proctor/proto"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// client is a go-redis client of srv, closed when the test ends.
func client(t testing.TB, srv *testredis.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { c.Close() })
	return c
}

// media makes media segment seq of sentinel id, a keyframe every gop.
func media(id string, seq uint64, gop uint64) Segment {
	s := Segment{Sentinel: id, Kind: proto.KindMedia, Seq: seq, Generation: 1,
		Time: int64(seq) * 40000, Duration: 40000, Data: []byte{byte(seq), byte(seq >> 8), 0xAA}}
	if seq%gop == 0 {
		s.Flags = proto.FlagKeyframe
	}
	return s
}

func initSeg(id string, gen uint64) Segment {
	return Segment{Sentinel: id, Kind: proto.KindInit, Generation: gen, Data: []byte("init-" + string(rune('0'+gen)))}
}

// collector gathers delivered entries safely across goroutines.
type collector struct {
	mu sync.Mutex
	es []Entry
}

func (c *collector) add(e Entry) {
	c.mu.Lock()
	c.es = append(c.es, e)
	c.mu.Unlock()
}

func (c *collector) snapshot() []Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Entry(nil), c.es...)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lastSeq is the highest media sequence in es, -1 if none.
func lastSeq(es []Entry) int64 {
	n := int64(-1)
	for _, e := range es {
		if e.Kind == proto.KindMedia && int64(e.Seq) > n {
			n = int64(e.Seq)
		}
	}
	return n
}

// redisXAdd builds raw XADD arguments for entries the bus would not write.
type redisXAdd struct {
	stream string
	values []string
}

func (x redisXAdd) args() *redis.XAddArgs {
	return &redis.XAddArgs{Stream: x.stream, Values: x.values}
}
