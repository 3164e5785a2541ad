package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/server/auth"
)

// diskFault is the switch behind store.Config.WrapWriter: while err is
// set, every write to a log or index file writes half its bytes and fails
// with err, as a disk that fills or fails mid-write does.
type diskFault struct {
	mu  sync.Mutex
	err error
}

func (d *diskFault) set(err error) {
	d.mu.Lock()
	d.err = err
	d.mu.Unlock()
}

func (d *diskFault) wrap(path string, w io.Writer) io.Writer {
	return faultWriter{d: d, w: w}
}

type faultWriter struct {
	d *diskFault
	w io.Writer
}

func (f faultWriter) Write(p []byte) (int, error) {
	f.d.mu.Lock()
	err := f.d.err
	f.d.mu.Unlock()
	if err == nil {
		return f.w.Write(p)
	}
	n, werr := f.w.Write(p[:len(p)/2]) // a torn write the store must cut back
	if werr != nil {
		return n, werr
	}
	return n, err
}

// health is /healthz's answer: its status code and reasons.
func health(t *testing.T, e *env) (int, string) {
	t.Helper()
	code, body := get(t, e.http+"/healthz", "")
	var h struct{ Reasons []string }
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("/healthz: %d %q: %v", code, body, err)
	}
	return code, strings.Join(h.Reasons, "; ")
}

// metric is the value of the unlabelled sample name on /metrics.
func metric(t *testing.T, e *env, name string) float64 {
	t.Helper()
	_, body := get(t, e.http+"/metrics", e.token(auth.RoleMetrics, "prometheus"))
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %q", name, line)
			}
			return f
		}
	}
	t.Fatalf("metrics lack %s", name)
	return 0
}

// clipPublisher is the real client publisher as a Sentinel, sending clip
// segments i at t0 + i x duration.
type clipPublisher struct {
	p   *client.Publisher
	cl  *clip
	t0  time.Time
	err chan error
}

func startClipPublisher(t *testing.T, ctx context.Context, e *env, cl *clip, id, sid string, maxBackoff time.Duration) *clipPublisher {
	t.Helper()
	p := client.NewPublisher(client.Config{Server: e.http, Token: e.token(auth.RoleSentinel, id),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: maxBackoff},
		proto.Hello{Sentinel: id, Session: sid, Source: proto.SourceTest}, client.PublishOptions{})
	cp := &clipPublisher{p: p, cl: cl, t0: time.Now(), err: make(chan error, 1)}
	go func() { cp.err <- p.Run(ctx) }()
	p.Init(1, cl.init)
	return cp
}

func (cp *clipPublisher) seg(i int) clipSeg { return cp.cl.segs[i%len(cp.cl.segs)] }

func (cp *clipPublisher) when(i int) time.Time {
	return cp.t0.Add(time.Duration(i) * time.Duration(cp.seg(0).dur) * time.Microsecond)
}

func (cp *clipPublisher) send(from, to int) {
	for i := from; i < to; i++ {
		seg := cp.seg(i)
		cp.p.Segment(client.Segment{Time: cp.when(i), Duration: time.Duration(seg.dur) * time.Microsecond,
			Keyframe: seg.key, Payload: seg.payload})
	}
}

// end sends "end" and waits for Run to return.
func (cp *clipPublisher) end(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := cp.p.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-cp.err; err != nil {
		t.Fatalf("publisher: %v", err)
	}
}

// stored is a condition: at least n segments of sid/id are in the store.
func stored(e *env, sid, id string, n int) func() bool {
	return func() bool {
		recs, err := e.s.store.Segments(sid, id, 0, 0)
		return err == nil && len(recs) >= n
	}
}

// checkStored checks that sid/id holds exactly segments 0..n-1 of cp, in
// order with no gap, each at its own time and with its bytes as served
// over HTTP.
func checkStored(t *testing.T, e *env, cp *clipPublisher, sid, id string, n int) {
	t.Helper()
	recs, err := e.s.store.Segments(sid, id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("%d segments stored, want %d", len(recs), n)
	}
	rev := e.token(auth.RoleReviewer, "r")
	for i, r := range recs {
		if r.Seq != uint64(i) {
			t.Fatalf("record %d has sequence %d: gap or duplicate", i, r.Seq)
		}
		if want := cp.when(i).UnixMicro(); r.Time != want {
			t.Fatalf("segment %d at %d, want %d", i, r.Time, want)
		}
		code, body := get(t, fmt.Sprintf("%s/v1/sessions/%s/sentinels/%s/segments/%d", e.http, sid, id, i), rev)
		if code != http.StatusOK || !bytes.Equal([]byte(body), cp.seg(i).payload) {
			t.Fatalf("segment %d: %d, %d bytes, want the %d bytes sent", i, code, len(body), len(cp.seg(i).payload))
		}
	}
}

func sessionState(t *testing.T, e *env, sid string) string {
	t.Helper()
	s, err := e.s.meta.Session(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	return s.State
}

// TestDiskFaultThroughStore (issue 10, "Show it"): the real store's writes
// fail (torn) with ENOSPC, then EIO, then succeed again. The real client
// publisher keeps its segments in its backlog and resumes from
// welcome.next; the session stays open; every segment it published is
// stored once, in order, at its own time and with its bytes; /healthz is
// 503 with the cause during each fault and 200 after, and /metrics counts
// the write errors and says unready, then ready.
func TestDiskFaultThroughStore(t *testing.T) {
	cl := lowLatencyClip(t)
	fault := &diskFault{}
	e := startServer(t, func(c *Config) { c.Store.WrapWriter = fault.wrap })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cp := startClipPublisher(t, ctx, e, cl, "cam1", "disk", 100*time.Millisecond)
	cp.send(0, 10)
	waitFor(t, stored(e, "disk", "cam1", 10))
	if code, why := health(t, e); code != http.StatusOK {
		t.Fatalf("/healthz before the fault: %d %s", code, why)
	}
	errorsBefore := metric(t, e, "proctor_store_write_errors_total")

	next := 10
	for _, f := range []struct {
		err    error
		reason string
	}{{syscall.ENOSPC, "no space left on device"}, {syscall.EIO, "input/output error"}} {
		fault.set(f.err)
		connects := cp.p.Stats().Connects
		cp.send(next, next+8)
		next += 8
		waitFor(t, func() bool { return cp.p.Stats().Connects >= connects+2 }) // refused, resumed, refused
		code, why := health(t, e)
		if code != http.StatusServiceUnavailable || !strings.Contains(why, "store: ") || !strings.Contains(why, f.reason) {
			t.Fatalf("/healthz during %v: %d %q, want 503 naming %q", f.err, code, why, f.reason)
		}
		if got := metric(t, e, "proctor_ready"); got != 0 {
			t.Fatalf("proctor_ready %v during %v", got, f.err)
		}
		if st := sessionState(t, e, "disk"); st != proto.SessionOpen {
			t.Fatalf("session %s during %v, want open", st, f.err)
		}
	}
	if got := metric(t, e, "proctor_store_write_errors_total"); got < errorsBefore+2 {
		t.Fatalf("proctor_store_write_errors_total %v, want at least %v", got, errorsBefore+2)
	}

	fault.set(nil)
	cp.send(next, next+10)
	next += 10
	waitFor(t, stored(e, "disk", "cam1", next))
	waitFor(t, func() bool { code, _ := health(t, e); return code == http.StatusOK })
	if got := metric(t, e, "proctor_ready"); got != 1 {
		t.Fatalf("proctor_ready %v after the fault", got)
	}
	cp.end(t, ctx)
	if st := sessionState(t, e, "disk"); st != proto.SessionClosed {
		t.Fatalf("session %s after end, want closed", st)
	}
	checkStored(t, e, cp, "disk", "cam1", next)
}
