package player

import (
	"errors"
	"fmt"
	"io"
	"time"

	"proctor/proto"
)

// readLive moves the LiveFeed's messages into the timeline's memory
// buffer and wakes the engine. It ends when the feed ends or on Close.
func (p *Player) readLive() {
	defer p.wg.Done()
	for {
		m, err := p.live.Next(p.ctx)
		if err != nil {
			if p.ctx.Err() != nil {
				return
			}
			if errors.Is(err, io.EOF) {
				p.log.Info("live feed ended")
				return
			}
			p.report(fmt.Errorf("%w: live feed: %w", ErrFetch, err), 0)
			return
		}
		switch {
		case m.Skipped != nil:
			n := uint64(0)
			if m.Skipped.To >= m.Skipped.From {
				n = m.Skipped.To - m.Skipped.From + 1
			}
			p.tl.skipLive(m.Skipped.To)
			p.report(fmt.Errorf("%w: server skipped segments %d..%d", ErrGap, m.Skipped.From, m.Skipped.To), n,
				"from", m.Skipped.From, "to", m.Skipped.To)
		case m.Header.Kind == proto.KindInit:
			p.tl.addInit(m.Header.Seq, m.Payload, true)
		case m.Header.Kind == proto.KindMedia:
			if gap := p.tl.addLive(m.Header, m.Payload); gap > 0 {
				p.report(fmt.Errorf("%w: %d segments missing before %d", ErrGap, gap, m.Header.Seq), gap, "seq", m.Header.Seq)
			}
			p.countSegment(len(m.Payload))
			p.arrived(m.Header)
		}
		p.kickEngine()
	}
}

// arrived records how long after its first capture a live segment
// arrived: the smallest recent value plus the jitter allowance is the
// latency live playback aims at.
func (p *Player) arrived(h proto.Header) {
	p.mu.Lock()
	now := p.clock.Now()
	p.arrival.add(now, now.Sub(time.UnixMicro(h.Time)))
	p.arrivalSeg = time.Duration(h.Duration) * time.Microsecond
	p.mu.Unlock()
}
