package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/ingest"
	"proctor/server/store"
)

// faultyStore is the real store with a switch that makes its writes fail
// with err, as a full disk or a failing one does.
type faultyStore struct {
	ingest.Store

	mu  sync.Mutex
	err error
}

func (f *faultyStore) set(err error) {
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
}

func (f *faultyStore) fault() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *faultyStore) Append(session, sentinel string, rec store.Record, payload []byte) (store.Record, error) {
	if err := f.fault(); err != nil {
		return store.Record{}, fmt.Errorf("append %s: write: %w", sentinel, err)
	}
	return f.Store.Append(session, sentinel, rec, payload)
}

func (f *faultyStore) PutInit(session, sentinel string, gen uint64, payload []byte) error {
	if err := f.fault(); err != nil {
		return fmt.Errorf("put init %s: %w", sentinel, err)
	}
	return f.Store.PutInit(session, sentinel, gen, payload)
}

// startFaultyServer is startServer with the store's writes behind a
// faultyStore.
func startFaultyServer(t *testing.T) (*env, *faultyStore) {
	t.Helper()
	cfg := testConfig(t.TempDir())
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	fs := &faultyStore{Store: s.core.Store}
	s.core.Store = fs
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{s: s, ws: "ws://" + ln.Addr().String(), http: "http://" + ln.Addr().String(),
		cfg: s.cfg, cancel: cancel, done: make(chan error, 1)}
	e.signer, _ = auth.NewSigner(cfg.Secret)
	go func() { e.done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { e.stop(t) })
	return e, fs
}

// TestStoreErrorIsRetryable (issue 10, defect 5): while the store's
// writes fail with ENOSPC or EIO, the Sentinel (the real client
// publisher) is told to retry, the session stays open, and once the store
// writes again the Sentinel resumes from next: every segment it published
// is stored once, in order.
func TestStoreErrorIsRetryable(t *testing.T) {
	cl := lowLatencyClip(t)
	for _, fault := range []error{syscall.ENOSPC, syscall.EIO} {
		t.Run(fault.Error(), func(t *testing.T) {
			e, fs := startFaultyServer(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			p := client.NewPublisher(client.Config{Server: e.http, Token: e.token(auth.RoleSentinel, "cam1"),
				MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond},
				proto.Hello{Sentinel: "cam1", Session: "full", Source: proto.SourceTest}, client.PublishOptions{})
			runErr := make(chan error, 1)
			go func() { runErr <- p.Run(ctx) }()
			p.Init(1, cl.init)
			t0 := time.Now()
			send := func(from, to int) {
				for i := from; i < to; i++ {
					seg := cl.segs[i%len(cl.segs)]
					p.Segment(client.Segment{Time: t0.Add(time.Duration(i) * time.Duration(seg.dur) * time.Microsecond),
						Duration: time.Duration(seg.dur) * time.Microsecond, Keyframe: seg.key, Payload: seg.payload})
				}
			}
			stored := func(n int) func() bool {
				return func() bool {
					recs, err := e.s.store.Segments("full", "cam1", 0, 0)
					return err == nil && len(recs) >= n
				}
			}
			send(0, 10)
			waitFor(t, stored(10))

			fs.set(fault)
			send(10, 20)
			waitFor(t, func() bool { return p.Stats().Connects >= 4 }) // refused, retried, refused...
			sess, err := e.s.meta.Session(ctx, "full")
			if err != nil || sess.State != proto.SessionOpen {
				t.Fatalf("while the store fails: %+v, %v; want the session open", sess, err)
			}
			fs.set(nil)
			send(20, 30)
			waitFor(t, stored(30))
			if err := p.End(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-runErr; err != nil {
				t.Fatalf("publisher: %v", err)
			}
			waitFor(t, func() bool {
				s, err := e.s.meta.Session(ctx, "full")
				return err == nil && s.State == proto.SessionClosed
			})
			checkLog(t, e, "full", "cam1", 30)
		})
	}
}
