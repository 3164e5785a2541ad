package player

import "time"

// maxHold is the longest media time the player waits for the next frame;
// beyond it (a recording gap, a clock jump) the next frame is shown at once.
const maxHold = 5 * time.Second

type cmdKind int

const (
	cmdLive    cmdKind = iota // start at the newest keyframe of the live feed
	cmdSeek                   // frame at or before at (zero: the first stored segment)
	cmdPreview                // the keyframe at or before at, alone
	cmdReplay                 // the keyframe at or before at, then on from it
)

// command is what the engine does at the start of an epoch.
type command struct {
	kind cmdKind
	at   time.Time
	back int // cmdSeek: show the frame this many before the one at or before at
}

// playClock maps the injected clock to a media position:
// position(now) = media + (now - wall) * speed.
type playClock struct {
	anchored bool
	wall     time.Time
	media    time.Time
}

func (c *playClock) position(now time.Time, speed float64) time.Time {
	return c.media.Add(time.Duration(float64(now.Sub(c.wall)) * speed))
}

func (c *playClock) rebase(now, media time.Time) {
	c.anchored, c.wall, c.media = true, now, media
}

// Take returns the newest frame that is due now and was not taken before;
// ok is false when there is none (keep showing the previous one). Frames
// that became due but were superseded before being taken are dropped and
// counted. Call it at display rate. See the package documentation for how
// long the returned Image stays valid.
func (p *Player) Take() (f Frame, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.queue) == 0 {
		return Frame{}, false
	}
	now := p.clock.Now()
	i := 0
	switch p.mode {
	case ModePaused, ModePreview:
		if !p.pending {
			return Frame{}, false
		}
		p.pending = false
	default:
		if !p.clk.anchored {
			media := p.queue[0].Time
			if p.mode == ModeLive {
				media = media.Add(-p.opts.Jitter)
			}
			p.clk.rebase(now, media)
		}
		pos := p.clk.position(now, p.speedLocked())
		if p.mode == ModeLive {
			pos = p.catchUpLocked(now, pos)
		}
		if p.queue[0].Time.Sub(pos) > maxHold {
			// A gap in the recording, or a timestamp jump: do not wait
			// for it in real time.
			p.clk.rebase(now, p.queue[0].Time)
			pos = p.queue[0].Time
		}
		if p.queue[0].Time.After(pos) {
			return Frame{}, false
		}
		for i+1 < len(p.queue) && !p.queue[i+1].Time.After(pos) {
			i++
		}
	}
	for j := 0; j < i; j++ {
		p.pool.put(p.queue[j])
		p.stats.Dropped++
	}
	fr := p.queue[i]
	p.popLocked(i + 1)
	p.showLocked(fr, now)
	p.kickEngine()
	return *fr, true
}

// catchUpSlack is how far live playback may fall behind its target
// latency before it jumps forward.
const catchUpSlack = 30 * time.Millisecond

// maxCatchUpSeg: catching up applies to low-latency streams (segments of
// a few frames). With a segment per GOP, live runs a GOP behind by nature
// and the engine's lag check jumps a whole GOP when needed.
const maxCatchUpSeg = 500 * time.Millisecond

// catchUpLocked keeps live playback at its target latency: the smallest
// recent arrival delay plus the jitter allowance. When frames wait in the
// queue while playback runs later than that (a slow start, a delay that
// has passed), the play-out point moves forward; frames it passes are
// dropped. Only for segments up to maxCatchUpSeg long.
func (p *Player) catchUpLocked(now, pos time.Time) time.Time {
	d, ok := p.arrival.min()
	if !ok || p.arrivalSeg > maxCatchUpSeg {
		return pos
	}
	target := d + p.opts.Jitter
	if now.Sub(pos) <= target+catchUpSlack {
		return pos
	}
	pos = now.Add(-target)
	p.clk.rebase(now, pos)
	return pos
}

func (p *Player) speedLocked() float64 {
	if p.mode == ModeLive {
		return 1
	}
	return p.speed
}

// popLocked removes the first n queued frames without reallocating.
func (p *Player) popLocked(n int) {
	m := copy(p.queue, p.queue[n:])
	clear(p.queue[m:])
	p.queue = p.queue[:m]
}

// showLocked puts fr on screen; the frame taken two frames ago goes back
// to the pool (the ownership rule in the package documentation).
func (p *Player) showLocked(fr *Frame, now time.Time) {
	p.pool.put(p.screen[1])
	p.screen[1], p.screen[0] = p.screen[0], fr
	p.stats.Shown++
	p.stepping = false
	p.meter.frame(now)
	if p.mode == ModeLive {
		p.stats.Latency = now.Sub(fr.Time)
	}
}

// positionLocked is the time of the frame on screen (zero before one).
func (p *Player) positionLocked() time.Time {
	if p.screen[0] == nil {
		return time.Time{}
	}
	return p.screen[0].Time
}

// restartLocked starts a new epoch: queued frames are discarded and the
// engine runs cmd.
func (p *Player) restartLocked(mode Mode, cmd command) {
	p.mode = mode
	p.epoch++
	p.epochA.Store(p.epoch)
	p.cmd = cmd
	for _, f := range p.queue {
		p.pool.put(f)
	}
	p.popLocked(len(p.queue))
	p.clk.anchored = false
	p.pending = mode == ModePaused || mode == ModePreview
	p.kickEngine()
}

// stepForwardLocked shows the n-th next frame at the next Take.
func (p *Player) stepForwardLocked(n int) {
	skip := min(n-1, max(len(p.queue)-1, 0))
	for j := 0; j < skip; j++ {
		p.pool.put(p.queue[j])
	}
	p.popLocked(skip)
	p.pending = true
	p.kickEngine()
}

// push hands a decoded frame to the queue, waiting for room. It returns
// false (and recycles f) when the epoch changed or the player closed.
func (p *Player) push(epoch uint64, f *Frame) bool {
	for {
		p.mu.Lock()
		if p.epoch != epoch || p.closed {
			p.mu.Unlock()
			p.pool.put(f)
			return false
		}
		limit := p.opts.Queue
		if p.mode == ModePreview {
			limit = 1
		}
		if len(p.queue) < limit {
			p.checkLateLocked(f)
			p.queue = append(p.queue, f)
			p.mu.Unlock()
			return true
		}
		p.mu.Unlock()
		select {
		case <-p.kick:
		case <-p.ctx.Done():
			p.pool.put(f)
			return false
		}
	}
}

// checkLateLocked counts a frame that arrives after it was due. Live, the
// play-out point moves back so the stream stays smooth (the latency grows
// by the lateness; the engine catches up when it lags too far).
func (p *Player) checkLateLocked(f *Frame) {
	if !p.clk.anchored || (p.mode != ModeLive && p.mode != ModePlaying) || len(p.queue) > 0 {
		return
	}
	now := p.clock.Now()
	pos := p.clk.position(now, p.speedLocked())
	if f.Time.Add(p.opts.Jitter).Before(pos) {
		p.stats.Late++
		if p.mode == ModeLive {
			p.clk.rebase(now, f.Time)
		}
	}
}
