//go:build !serveronly

package app

import (
	"image"
	"sync"
	"time"

	"proctor/client"
	"proctor/player"
	"proctor/proto"
	"proctor/ui"
)

// viewFeed is a ui.Feed over one player with a live subscription. Frame
// takes the newest due frame from the player; the player keeps the image
// unwritten until two later frames are taken, so the one on screen is safe.
type viewFeed struct {
	b   *viewBackend
	p   *player.Player // nil when the player could not start
	sub *client.Subscription

	mu     sync.Mutex
	segs   []ui.SegmentInfo // received since the last Segments call
	opt    ui.FeedOptions
	img    *image.RGBA
	n      uint64
	at     time.Time
	closed bool
}

func (f *viewFeed) Frame() (*image.RGBA, uint64) {
	img, n, _ := f.frame()
	return img, n
}

func (f *viewFeed) frame() (*image.RGBA, uint64, time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.p == nil || f.closed {
		return f.img, f.n, f.at
	}
	if fr, ok := f.p.Take(); ok && fr.Image != nil {
		f.img, f.at = fr.Image, fr.Time
		f.n++
		if f.n == 1 || f.n%100 == 0 {
			f.b.log.Debug("frame", "n", f.n, "time", fr.Time, "size", fr.Image.Bounds().Size())
		}
	}
	return f.img, f.n, f.at
}

// received records a live media segment's header for Segments; it runs
// on the player's live reader goroutine.
func (f *viewFeed) received(h proto.Header, size int) {
	if h.Kind != proto.KindMedia {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.segs) >= ui.MaxPendingSegments {
		n := copy(f.segs, f.segs[1:])
		f.segs = f.segs[:n]
	}
	f.segs = append(f.segs, ui.SegmentInfo{Time: time.UnixMicro(h.Time), Duration: time.Duration(h.Duration) * time.Microsecond,
		Size: size, Keyframe: h.Keyframe()})
}

func (f *viewFeed) Segments(dst []ui.SegmentInfo) []ui.SegmentInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	dst = append(dst, f.segs...)
	f.segs = f.segs[:0]
	return dst
}

func (f *viewFeed) Configure(opt ui.FeedOptions) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.p == nil || f.closed || opt == f.opt {
		return
	}
	if opt.Width != f.opt.Width || opt.Height != f.opt.Height {
		if err := f.p.SetSize(opt.Width, opt.Height); err != nil {
			f.b.log.Warn("resize feed", "err", err)
		}
	}
	if opt.KeyframesOnly != f.opt.KeyframesOnly {
		f.p.SetKeyframesOnly(opt.KeyframesOnly)
	}
	f.opt = opt
}

func (f *viewFeed) Stats() ui.FeedStats {
	if f.p == nil {
		return ui.FeedStats{}
	}
	s := f.p.Stats()
	return ui.FeedStats{FPS: s.FPS, Bitrate: s.Bitrate, Latency: s.Latency, Skipped: int64(s.Gaps), Decoded: int64(s.Decoded)}
}

// Position is the capture time of the frame Frame last returned: the
// picture the tile shows, which a marker is stamped with.
func (f *viewFeed) Position() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.at
}

func (f *viewFeed) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.closed = true
	if f.sub != nil {
		f.sub.Close()
	}
	if f.p != nil {
		f.b.closeLater(f.p)
	}
}

// viewPlayback is a ui.Playback over a player with an archive (and a live
// subscription for open sessions).
type viewPlayback struct {
	viewFeed
}

func (p *viewPlayback) Frame() (*image.RGBA, uint64, time.Time) { return p.frame() }

func (p *viewPlayback) Play() {
	if p.p != nil {
		p.p.Play()
	}
}

func (p *viewPlayback) Pause() {
	if p.p != nil {
		p.p.Pause()
	}
}

func (p *viewPlayback) SetSpeed(x float64) {
	if p.p != nil {
		p.p.SetSpeed(max(player.MinSpeed, min(x, player.MaxSpeed)))
	}
}

func (p *viewPlayback) Seek(t time.Time) {
	if p.p != nil {
		p.p.Seek(t)
	}
}

func (p *viewPlayback) Preview(t time.Time) {
	if p.p != nil {
		p.p.Preview(t)
	}
}

func (p *viewPlayback) Step(n int) {
	if p.p != nil {
		p.p.Step(n)
	}
}

func (p *viewPlayback) GoLive() bool { return p.p != nil && p.p.GoLive() == nil }

func (p *viewPlayback) Position() time.Time {
	if p.p == nil {
		return time.Time{}
	}
	return p.p.State().Position
}
