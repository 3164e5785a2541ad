package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"sync"
	"time"

	"proctor/proto"
)

// fakeLive is an in-memory Live for widget tests: feeds produce solid
// frames on demand and every call is recorded.
type fakeLive struct {
	mu      sync.Mutex
	events  chan any
	feeds   map[string]*fakeFeed
	watched []string
	replays []*fakeReplay
	boosts  map[string]bool
}

func newFakeLive() *fakeLive {
	return &fakeLive{events: make(chan any, 16), feeds: map[string]*fakeFeed{}, boosts: map[string]bool{}}
}

func (l *fakeLive) Events() <-chan any { return l.events }

func (l *fakeLive) Watch(id string, opt FeedOptions) Feed {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := &fakeFeed{id: id, opt: opt}
	l.feeds[id] = f
	l.watched = append(l.watched, id)
	return f
}

func (l *fakeLive) Replay(session, id string, opt FeedOptions) ReplayFeed {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := &fakeReplay{fakeFeed: fakeFeed{id: id, opt: opt}}
	l.feeds[id] = &f.fakeFeed
	l.replays = append(l.replays, f)
	l.watched = append(l.watched, id)
	return f
}

// fakeReplay records the replay commands it gets.
type fakeReplay struct {
	fakeFeed
	cmds []string
}

func (f *fakeReplay) Replay(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pos = t
	f.cmds = append(f.cmds, "replay "+t.UTC().Format("15:04:05"))
}
func (f *fakeReplay) GoLive() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pos = time.Time{}
	f.cmds = append(f.cmds, "live")
	return true
}
func (f *fakeReplay) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.cmds...)
}

func (l *fakeLive) Boost(id string, on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.boosts[id] = on
}

func (l *fakeLive) open() map[string]*fakeFeed {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]*fakeFeed{}
	for id, f := range l.feeds {
		if !f.isClosed() {
			out[id] = f
		}
	}
	return out
}

type fakeFeed struct {
	mu     sync.Mutex
	id     string
	opt    FeedOptions
	n      uint64
	img    *image.RGBA
	segs   []SegmentInfo
	pos    time.Time // the picture's capture time
	closed bool
}

func (f *fakeFeed) playTo(t time.Time)  { f.mu.Lock(); f.pos = t; f.mu.Unlock() }
func (f *fakeFeed) Position() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.pos }

// push makes a new solid frame of colour c.
func (f *fakeFeed) push(c color.RGBA) {
	f.mu.Lock()
	defer f.mu.Unlock()
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	f.img = img
	f.n++
}

// pushImage makes img the new frame.
func (f *fakeFeed) pushImage(img *image.RGBA) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.img = img
	f.n++
}

// pushSegment records a received segment for Segments.
func (f *fakeFeed) pushSegment(s SegmentInfo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.segs = append(f.segs, s)
}

func (f *fakeFeed) Frame() (*image.RGBA, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.img, f.n
}

func (f *fakeFeed) Configure(o FeedOptions) { f.mu.Lock(); f.opt = o; f.mu.Unlock() }
func (f *fakeFeed) options() FeedOptions    { f.mu.Lock(); defer f.mu.Unlock(); return f.opt }
func (f *fakeFeed) Stats() FeedStats {
	return FeedStats{FPS: 5, Bitrate: 250000, Latency: 120 * time.Millisecond}
}
func (f *fakeFeed) Segments(dst []SegmentInfo) []SegmentInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	dst = append(dst, f.segs...)
	f.segs = f.segs[:0]
	return dst
}
func (f *fakeFeed) Close()         { f.mu.Lock(); f.closed = true; f.mu.Unlock() }
func (f *fakeFeed) isClosed() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.closed }

// sentinels makes n live Sentinels, two per session (webcam and screen).
func sentinels(n int) []proto.SentinelInfo {
	out := make([]proto.SentinelInfo, n)
	for i := range out {
		src := proto.SourceWebcam
		if i%2 == 1 {
			src = proto.SourceScreen
		}
		out[i] = proto.SentinelInfo{ID: fmt.Sprintf("s%02d", i), Session: fmt.Sprintf("exam%02d", i/2), Source: src, State: proto.SentinelLive}
	}
	return out
}

// fakeArchive is an in-memory Archive.
type fakeArchive struct {
	mu         sync.Mutex
	sessions   []proto.Session
	markers    []proto.Marker
	segments   []proto.Segment
	queries    []SessionQuery
	playbacks  []*fakePlayback
	progressed chan struct{} // Export signals here after its progress call
	err        error
	addCalls   int           // AddMarker calls
	addBlock   chan struct{} // non-nil: AddMarker waits for it, ignoring its context
}

func (a *fakeArchive) Sessions(ctx context.Context, q SessionQuery) (proto.SessionList, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.queries = append(a.queries, q)
	if a.err != nil {
		return proto.SessionList{}, a.err
	}
	var out proto.SessionList
	for _, s := range a.sessions {
		if q.State == "" || s.State == q.State {
			out.Sessions = append(out.Sessions, s)
		}
	}
	return out, nil
}

func (a *fakeArchive) Session(ctx context.Context, sid string) (proto.Session, error) {
	for _, s := range a.sessions {
		if s.ID == sid {
			return s, nil
		}
	}
	return proto.Session{}, fmt.Errorf("no session %s", sid)
}

func (a *fakeArchive) Markers(ctx context.Context, sid string) ([]proto.Marker, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]proto.Marker(nil), a.markers...), nil
}

func (a *fakeArchive) AddMarker(ctx context.Context, sid string, m proto.Marker) (proto.Marker, error) {
	a.mu.Lock()
	a.addCalls++
	block := a.addBlock
	a.mu.Unlock()
	if block != nil {
		<-block // a server stuck under load, a call deaf to its context
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	m.ID = int64(len(a.markers) + 1)
	m.Session = sid
	a.markers = append(a.markers, m)
	return m, nil
}

func (a *fakeArchive) Segments(ctx context.Context, sid, id string, from, to time.Time) ([]proto.Segment, error) {
	return a.segments, nil
}

func (a *fakeArchive) Open(sid, id string, opt ReviewOptions) Playback {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := &fakePlayback{id: id, pos: opt.Start}
	a.playbacks = append(a.playbacks, p)
	return p
}

func (a *fakeArchive) Export(ctx context.Context, sid, id string, from, to time.Time, w io.Writer, progress func(done, total int64)) error {
	progress(50, 100)
	if a.progressed != nil {
		a.progressed <- struct{}{}
	}
	<-ctx.Done()
	return ctx.Err()
}

// fakePlayback records the commands it gets.
type fakePlayback struct {
	mu      sync.Mutex
	id      string
	pos     time.Time
	cmds    []string
	playing bool
	speed   float64
}

func (p *fakePlayback) do(c string) { p.mu.Lock(); p.cmds = append(p.cmds, c); p.mu.Unlock() }
func (p *fakePlayback) commands() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.cmds...)
}
func (p *fakePlayback) Frame() (*image.RGBA, uint64, time.Time) { return nil, 0, p.Position() }
func (p *fakePlayback) Play()                                   { p.do("play") }
func (p *fakePlayback) Pause()                                  { p.do("pause") }
func (p *fakePlayback) SetSpeed(x float64)                      { p.do(fmt.Sprintf("speed %g", x)) }
func (p *fakePlayback) Seek(t time.Time) {
	p.mu.Lock()
	p.pos = t
	p.mu.Unlock()
	p.do("seek " + t.UTC().Format("15:04:05"))
}
func (p *fakePlayback) Preview(t time.Time) { p.do("preview " + t.UTC().Format("15:04:05")) }
func (p *fakePlayback) Step(n int)          { p.do(fmt.Sprintf("step %d", n)) }
func (p *fakePlayback) GoLive() bool        { p.do("live"); return true }
func (p *fakePlayback) Position() time.Time { p.mu.Lock(); defer p.mu.Unlock(); return p.pos }
func (p *fakePlayback) Close()              { p.do("close") }
