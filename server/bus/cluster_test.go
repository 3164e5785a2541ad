package bus

import (
	"context"
	"sync"
	"testing"
	"time"

	"proctor/internal/testmedia"
	"proctor/internal/testredis"
	"proctor/proto"
	"proctor/server/hub"
)

// testPub is a Sentinel's connection as the registry sees it: it records
// the control messages forwarded to it.
type testPub struct {
	mu  sync.Mutex
	got []any
}

func (p *testPub) Control(m any) { p.mu.Lock(); p.got = append(p.got, m); p.mu.Unlock() }

func (p *testPub) last() any {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.got) == 0 {
		return nil
	}
	return p.got[len(p.got)-1]
}

type testWatcher struct{ name string }

func (*testWatcher) Event(string, []byte) {}
func (*testWatcher) Text([]byte)          {}

func newNode(t *testing.T, srv *testredis.Server, node string) (*Cluster, *hub.Hub) {
	t.Helper()
	h := hub.New(hub.Config{})
	t.Cleanup(h.Close)
	c, err := NewCluster(h, client(t, srv), client(t, srv), client(t, srv), ClusterConfig{Node: node,
		Control: ControlConfig{Refresh: 100 * time.Millisecond}}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, h
}

// watch collects what a watcher's cursor delivers from st.
func watch(t *testing.T, st *hub.Stream) (*[]hub.Item, *sync.Mutex, func()) {
	t.Helper()
	var mu sync.Mutex
	var items []hub.Item
	wake := make(chan struct{}, 1)
	cur := st.Subscribe(nil, wake)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer cur.Close()
		for {
			for {
				it, ok, err := cur.Next()
				if err != nil || !ok {
					break
				}
				mu.Lock()
				items = append(items, it)
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-wake:
			}
		}
	}()
	return &items, &mu, func() { close(done); wg.Wait() }
}

// TestClusterIngestToTwoEdges: a Sentinel on the ingest node, a watcher on
// each of two edge nodes joining mid-stream: both get the init, then a
// keyframe, then every later segment once, in order, byte for byte, and
// what they got decodes (ffprobe). A second publisher on an edge gets a
// conflict; keyframe and fps requests from the edges reach the publisher,
// the fps rule holding cluster-wide.
func TestClusterIngestToTwoEdges(t *testing.T) {
	clip := testmedia.Split(t, testmedia.Encode(t, testmedia.Options{FPS: 10, GOP: 10, Seconds: 6, Movflags: "frag_every_frame"}))
	srv := testredis.Start(t)
	ing, _ := newNode(t, srv, "ingest1")
	e1, _ := newNode(t, srv, "edge1")
	e2, _ := newNode(t, srv, "edge2")

	pub := &testPub{}
	sn, st, ok := ing.Attach("cam1", pub)
	if !ok {
		t.Fatal("attach on the ingest node refused")
	}
	sn.Joined("s1", "test", proto.SessionOpen, nil, time.Now())
	ing.Changed(sn)
	if _, _, ok := e1.Attach("cam1", &testPub{}); ok {
		t.Fatal("a second publisher on another node was accepted")
	}

	st.SetInit(1, proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: "cam1", Seq: 1}, clip.Init))
	publish := func(seq int) {
		s := clip.Segments[seq]
		h := proto.Header{Kind: proto.KindMedia, Sentinel: "cam1", Seq: uint64(seq), Time: int64(seq) * 100000, Duration: 100000}
		if s.Keyframe {
			h.Flags = proto.FlagKeyframe
		}
		st.Publish(hub.Segment{Msg: proto.Marshal(h, s.Payload), Seq: h.Seq, Time: h.Time, Duration: h.Duration, Keyframe: s.Keyframe})
	}
	n := len(clip.Segments)
	for seq := 0; seq < 25; seq++ {
		publish(seq)
	}
	waitFor(t, 5*time.Second, "25 segments in Redis", func() bool { return ing.Writer().Stats().Sent >= 26 })
	i1, m1, stop1 := watch(t, e1.Stream("cam1"))
	defer stop1()
	i2, m2, stop2 := watch(t, e2.Stream("cam1"))
	defer stop2()
	for seq := 25; seq < n; seq++ {
		publish(seq)
		time.Sleep(2 * time.Millisecond)
	}
	for _, c := range []struct {
		items *[]hub.Item
		mu    *sync.Mutex
	}{{i1, m1}, {i2, m2}} {
		waitFor(t, 10*time.Second, "the last segment on an edge", func() bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			l := len(*c.items)
			return l > 0 && (*c.items)[l-1].Seq == uint64(n-1)
		})
	}
	m1.Lock()
	m2.Lock()
	a, b := append([]hub.Item(nil), (*i1)...), append([]hub.Item(nil), (*i2)...)
	m1.Unlock()
	m2.Unlock()
	if len(a) != len(b) {
		t.Fatalf("edge1 got %d items, edge2 %d", len(a), len(b))
	}
	var mp4 []byte
	samples := 0
	for i := range a {
		if a[i].Kind != b[i].Kind || a[i].Seq != b[i].Seq || string(a[i].Msg) != string(b[i].Msg) {
			t.Fatalf("item %d differs between the edges: %v/%d and %v/%d", i, a[i].Kind, a[i].Seq, b[i].Kind, b[i].Seq)
		}
		h, payload, err := proto.Decode(a[i].Msg)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case i == 0:
			if a[i].Kind != hub.ItemInit || string(payload) != string(clip.Init) {
				t.Fatal("the edge watcher did not get the init segment first")
			}
		case i == 1:
			if !h.Keyframe() || !clip.Segments[h.Seq].Keyframe {
				t.Fatalf("first media segment %d is not a keyframe", h.Seq)
			}
			if h.Seq < 20 || h.Seq > 25 {
				t.Fatalf("joined at seq %d, want the latest keyframe before 25", h.Seq)
			}
		default:
			if a[i].Kind != hub.ItemMedia || h.Seq != a[i-1].Seq+1 {
				t.Fatalf("item %d: seq %d after %d: gap or duplicate", i, h.Seq, a[i-1].Seq)
			}
		}
		if i > 0 {
			if string(payload) != string(clip.Segments[h.Seq].Payload) {
				t.Fatalf("seq %d: bytes differ from the Sentinel's", h.Seq)
			}
			samples += clip.Segments[h.Seq].Samples
		}
		mp4 = append(mp4, payload...)
	}
	if got := testmedia.CountFrames(t, mp4); got != samples {
		t.Fatalf("ffprobe decoded %d frames of the %d the edge delivered", got, samples)
	}

	// Control from the edges reaches the publisher on the ingest node.
	e1.Lookup("cam1").Keyframe()
	waitFor(t, 3*time.Second, "keyframe request", func() bool { _, ok := pub.last().(*proto.Keyframe); return ok })
	w1, w2 := &testWatcher{"w1"}, &testWatcher{"w2"}
	fpsIs := func(want float64) func() bool {
		return func() bool { f, ok := pub.last().(*proto.FPS); return ok && f.FPS == want }
	}
	e1.Lookup("cam1").SetFPS(w1, 10)
	waitFor(t, 3*time.Second, "10 fps", fpsIs(10))
	e2.Lookup("cam1").SetFPS(w2, 25)
	waitFor(t, 3*time.Second, "25 fps, the highest", fpsIs(25))
	e2.RemoveWatcher(w2)
	waitFor(t, 3*time.Second, "back to 10 fps", fpsIs(10))
	e1.Lookup("cam1").SetFPS(w1, 0)
	waitFor(t, 3*time.Second, "the Sentinel's own rate", fpsIs(0))

	// The ingest node's Sentinel is listed on the edges.
	waitFor(t, 3*time.Second, "cam1 listed on edge2", func() bool {
		for _, info := range e2.Sentinels() {
			if info.ID == "cam1" && info.State == proto.SentinelLive && info.Session == "s1" {
				return true
			}
		}
		return false
	})

	// Released on the edges: they stop reading the stream.
	e1.Release("cam1")
	e2.Release("cam1")
	if st := e1.Reader().Stats(); st.Streams != 1 { // only px:events is left
		t.Fatalf("edge1 still follows %d streams", st.Streams)
	}
}

// TestClusterSecondLocalPublisherKeepsTheFirst: a second connection for a
// Sentinel already publishing on this node is refused without touching
// the first one's lease or epoch: its segments still reach Redis.
func TestClusterSecondLocalPublisherKeepsTheFirst(t *testing.T) {
	srv := testredis.Start(t)
	ing, _ := newNode(t, srv, "ingest1")
	_, st, ok := ing.Attach("cam1", &testPub{})
	if !ok {
		t.Fatal("first attach refused")
	}
	if _, _, ok := ing.Attach("cam1", &testPub{}); ok {
		t.Fatal("second attach on the same node accepted")
	}
	st.SetInit(1, proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: "cam1", Seq: 1}, []byte("init")))
	st.Publish(hub.Segment{Msg: proto.Marshal(proto.Header{Kind: proto.KindMedia, Flags: proto.FlagKeyframe, Sentinel: "cam1"}, []byte("m")),
		Keyframe: true})
	waitFor(t, 3*time.Second, "the first publisher's segments in Redis", func() bool { return ing.Writer().Stats().Sent == 2 })
	if st := ing.Writer().Stats(); st.Fenced != 0 {
		t.Fatalf("writer %+v: the first publisher was fenced", st)
	}
	if h, _ := Holder(context.Background(), client(t, srv), "cam1"); h != "ingest1" {
		t.Fatalf("lease holder %q after the refused attach", h)
	}
}
