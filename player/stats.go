package player

import "time"

// meterWindow is the span over which FPS and bitrate are averaged.
const meterWindow = 2 * time.Second

// rateMeter measures frames and bytes per second over two alternating
// windows, so a rate is always based on at least one full window.
type rateMeter struct {
	start         time.Time
	frames, bytes uint64
	fps           float64
	bps           int64
}

func (m *rateMeter) roll(now time.Time) {
	if m.start.IsZero() {
		m.start = now
		return
	}
	d := now.Sub(m.start)
	if d < meterWindow {
		return
	}
	m.fps = float64(m.frames) / d.Seconds()
	m.bps = int64(float64(m.bytes*8) / d.Seconds())
	m.start, m.frames, m.bytes = now, 0, 0
}

func (m *rateMeter) frame(now time.Time) {
	m.roll(now)
	m.frames++
}

func (m *rateMeter) data(now time.Time, n int) {
	m.roll(now)
	m.bytes += uint64(n)
}

func (m *rateMeter) rates(now time.Time) (fps float64, bps int64) {
	m.roll(now)
	if now.Sub(m.start) > 2*meterWindow {
		return 0, 0
	}
	return m.fps, m.bps
}

// minWindow keeps the minimum of a quantity over the last one to two
// windows (two alternating windows of window length).
type minWindow struct {
	start     time.Time
	cur, prev time.Duration
	have      bool
}

const arrivalWindow = 3 * time.Second

func (m *minWindow) add(now time.Time, v time.Duration) {
	if !m.have || now.Sub(m.start) > arrivalWindow {
		if m.have {
			m.prev = m.cur
		} else {
			m.prev = v
		}
		m.start, m.cur, m.have = now, v, true
		return
	}
	m.cur = min(m.cur, v)
}

func (m *minWindow) min() (time.Duration, bool) {
	return min(m.cur, m.prev), m.have
}

// report records an error in the stats and logs it.
func (p *Player) report(err error, gaps uint64, attrs ...any) {
	p.mu.Lock()
	p.stats.Errors++
	p.stats.Gaps += gaps
	p.stats.LastError = err
	p.mu.Unlock()
	p.log.Warn("stream error", append(attrs, "err", err)...)
}

// countSegment records a received or fetched media segment.
func (p *Player) countSegment(n int) {
	p.mu.Lock()
	p.stats.Segments++
	p.stats.Bytes += uint64(n)
	p.meter.data(p.clock.Now(), n)
	p.mu.Unlock()
}

// countDecoded records a picture out of the decoder.
func (p *Player) countDecoded() {
	p.mu.Lock()
	p.stats.Decoded++
	p.mu.Unlock()
}
