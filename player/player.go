package player

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Player plays one Sentinel's stream. All methods are safe for concurrent
// use; Take is meant for the UI's display ticker, the rest for its controls.
type Player struct {
	opts  Options
	log   *slog.Logger
	clock Clock
	live  LiveFeed
	arch  Archive

	tl    *timeline
	cache *segCache
	pool  *imagePool

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kick   chan struct{} // wakes the engine; capacity 1
	epochA atomic.Uint64 // mirror of epoch for the engine's cheap checks
	keyA   atomic.Bool   // mirror of keyOnly

	mu         sync.Mutex
	closed     bool
	size       Size
	keyOnly    bool
	mode       Mode
	speed      float64
	epoch      uint64  // bumped by every command that restarts decoding
	cmd        command // what the engine must do at the start of epoch
	queue      []*Frame
	screen     [2]*Frame // last taken, and the one before
	pending    bool      // paused or preview: show the next queued frame at once
	stepping   bool      // a step back is on its way (not shown yet)
	clk        playClock
	stats      Stats
	meter      rateMeter
	arrival    minWindow     // live: how late segments arrive after capture
	arrivalSeg time.Duration // duration of the last live segment
}

// New starts a player. live, archive or both may be given (nil for none):
// with a LiveFeed and a zero Options.Start the player begins live;
// otherwise it plays (or, with Options.Paused, shows) the timeline from
// Options.Start (zero: the first stored segment). Close must be called to
// stop its goroutines.
func New(live LiveFeed, archive Archive, opts Options) (*Player, error) {
	if live == nil && archive == nil {
		return nil, ErrNoSource
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Player{
		opts:    opts,
		log:     opts.Log.With("component", "player"),
		clock:   opts.Clock,
		live:    live,
		arch:    archive,
		ctx:     ctx,
		cancel:  cancel,
		kick:    make(chan struct{}, 1),
		size:    opts.Size,
		keyOnly: opts.KeyframesOnly,
		speed:   1,
		pool:    newImagePool(),
	}
	p.keyA.Store(opts.KeyframesOnly)
	p.tl = newTimeline(opts.Memory)
	if archive != nil {
		p.cache = newSegCache(archive, opts.Cache, p.kickEngine)
	}
	if live != nil && opts.Start.IsZero() {
		p.mode = ModeLive
		p.cmd = command{kind: cmdLive}
	} else {
		p.mode = ModePlaying
		if opts.Paused {
			p.mode = ModePaused
			p.pending = true
		}
		p.cmd = command{kind: cmdSeek, at: opts.Start}
	}
	if live != nil {
		p.wg.Add(1)
		go p.readLive()
	}
	if p.cache != nil {
		p.cache.start(ctx, &p.wg)
	}
	p.wg.Add(1)
	go p.runEngine()
	return p, nil
}

// Close stops the player and waits for its goroutines. Frames already
// taken stay readable (they are simply no longer recycled).
func (p *Player) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
	return nil
}

// SetSize changes the output size. Frames decoded from now on have it;
// frames already queued keep theirs.
func (p *Player) SetSize(width, height int) error {
	s := Size{width, height}
	if !s.valid() {
		return fmt.Errorf("%w: %dx%d", ErrSize, width, height)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.size = s
	p.mu.Unlock()
	p.kickEngine()
	return nil
}

// SetKeyframesOnly switches keyframe-only mode: only sync samples are sent
// to the decoder (10-20x cheaper), for tiles too small to need motion.
// It takes effect at the next sample; nothing is reopened.
func (p *Player) SetKeyframesOnly(on bool) {
	p.mu.Lock()
	p.keyOnly = on
	p.keyA.Store(on)
	p.mu.Unlock()
	p.kickEngine()
}

// Play resumes (or starts) history playback at the current speed from the
// frame on screen. It ends a scrub preview by seeking to its position.
func (p *Player) Play() {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.mode {
	case ModePaused:
		p.mode = ModePlaying
		p.clk.anchored = false
	case ModePreview:
		p.restartLocked(ModePlaying, command{kind: cmdSeek, at: p.positionLocked()})
	}
}

// Pause holds the frame on screen. Pausing live leaves the leading edge;
// GoLive returns to it.
func (p *Player) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.mode {
	case ModePlaying:
		p.mode = ModePaused
	case ModeLive:
		p.mode = ModePaused
		p.speed = 1
	}
}

// SetSpeed sets the history playback speed, MinSpeed to MaxSpeed. It has
// no effect on live playback until the player leaves the leading edge.
func (p *Player) SetSpeed(x float64) error {
	if !(x >= MinSpeed && x <= MaxSpeed) {
		return fmt.Errorf("%w: %v", ErrSpeed, x)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if p.mode == ModePlaying && p.clk.anchored {
		now := p.clock.Now()
		p.clk.rebase(now, p.clk.position(now, p.speed))
	}
	p.speed = x
	return nil
}

// Seek shows the frame at or before t (decoding from the keyframe at or
// before it and discarding up to t), then continues in the current mode:
// playing stays playing, paused stays paused, live and preview play.
func (p *Player) Seek(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	mode := p.mode
	if mode == ModeLive || mode == ModePreview {
		mode = ModePlaying
	}
	p.restartLocked(mode, command{kind: cmdSeek, at: t})
}

// Replay jumps to the keyframe at or before t and plays on from it: the
// first picture needs one decode instead of up to a GOP's worth (a seek
// decodes from the keyframe to t), for instant replay, where landing up
// to a GOP before t does not matter but waiting does. Paused stays
// paused; live, preview and playing play.
func (p *Player) Replay(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	mode := p.mode
	if mode != ModePaused {
		mode = ModePlaying
	}
	p.restartLocked(mode, command{kind: cmdReplay, at: t})
}

// Step pauses and moves n frames: n > 0 shows the n-th next frame (at
// most Options.Queue frames ahead per call), n < 0 the n-th previous one
// (decoded from the keyframe before it). Steps back made before the
// previous one was shown accumulate (up to 15 frames).
func (p *Player) Step(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != ModePaused {
		p.mode = ModePaused
	}
	switch {
	case n > 0:
		p.stepForwardLocked(n)
	case n < 0:
		if p.stepping && p.cmd.kind == cmdSeek {
			// The previous step back has not been shown yet: go further.
			p.restartLocked(ModePaused, command{kind: cmdSeek, at: p.cmd.at, back: min(p.cmd.back-n, maxStepBack-1)})
		} else if cur := p.screen[0]; cur != nil {
			p.restartLocked(ModePaused, command{kind: cmdSeek, at: cur.Time.Add(-time.Microsecond), back: -n - 1})
		}
		p.stepping = true
	}
}

// GoLive returns to the leading edge of the live feed.
func (p *Player) GoLive() error {
	if p.live == nil {
		return ErrNoLive
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.restartLocked(ModeLive, command{kind: cmdLive})
	return nil
}

// Preview shows the keyframe nearest to t at once (only that picture is
// decoded), for a scrub handle being dragged. The player stays in ModePreview until Seek, Play or GoLive.
func (p *Player) Preview(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.restartLocked(ModePreview, command{kind: cmdPreview, at: t})
}

// State returns a snapshot of the playback state.
func (p *Player) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := State{Mode: p.mode, Speed: p.speed, KeyframesOnly: p.keyOnly, Size: p.size}
	if p.screen[0] != nil {
		st.Position = p.screen[0].Time
	}
	st.Start, st.End = p.tl.bounds()
	return st
}

// Stats returns the counters of this stream.
func (p *Player) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.FPS, s.Bitrate = p.meter.rates(p.clock.Now())
	return s
}

// kickEngine wakes the engine goroutine without blocking.
func (p *Player) kickEngine() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}
