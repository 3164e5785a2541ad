package loadtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"proctor/client"
	"proctor/proto"
	"proctor/sentinel"
	"proctor/sentinel/fragment"
)

// clip is the encoded material every replayed Sentinel sends.
type clip struct {
	init  []byte
	segs  []clipSeg
	ticks uint64 // timescale units of the whole clip
}

type clipSeg struct {
	payload []byte
	dur     time.Duration
	ticks   uint64 // timescale units
	base    uint64 // tfdt in the clip
	key     bool
}

// encodeClip encodes two GOPs of the test picture (a whole number, so the
// clip loops seamlessly) and indexes its segments.
func encodeClip(cfg *Config) (*clip, error) {
	gopFrames := max(1, int(cfg.GOP.Seconds()*cfg.FPS+0.5))
	c, err := sentinel.EncodeClip(sentinel.Config{Name: cfg.Prefix, Source: sentinel.SourceTest,
		Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS, GOP: cfg.GOP, LowLatency: cfg.LowLatency, Log: cfg.Log}, 2*gopFrames)
	if err != nil {
		return nil, fmt.Errorf("encode the test clip: %w", err)
	}
	info, err := proto.ParseInit(c.Init)
	if err != nil {
		return nil, err
	}
	out := &clip{init: c.Init}
	for _, s := range c.Segments {
		m, err := proto.ParseMedia(s.Payload, &info, nil)
		if err != nil {
			return nil, err
		}
		out.segs = append(out.segs, clipSeg{payload: s.Payload, dur: s.Duration, ticks: m.Duration, base: m.BaseTime, key: s.Keyframe})
		out.ticks += m.Duration
	}
	return out, nil
}

// replayer is one replayed Sentinel.
type replayer struct {
	id, session string
	pub         *client.Publisher
	sent        atomic.Int64
	bytes       atomic.Int64
}

// run sends the clip in a loop at its own pace until ctx is done: each
// segment a fresh copy with tfdt moved on by the clip's length per loop,
// mfhd renumbered, and the header time set to now.
func (r *replayer) run(ctx context.Context, c *clip, phase time.Duration) error {
	if err := r.pub.Init(1, c.init); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(phase):
	}
	next := time.Now()
	var loops, n uint64
	for i := 0; ; i++ {
		if i == len(c.segs) {
			i, loops = 0, loops+1
		}
		s := c.segs[i]
		b := append([]byte(nil), s.payload...)
		n++
		if err := fragment.Rewrite(b, uint32(n), int64(loops*c.ticks)); err != nil {
			return err
		}
		// The segment is "captured" when its last frame is due; send then.
		next = next.Add(s.dur)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Until(next)):
		}
		err := r.pub.Segment(client.Segment{Time: time.Now().Add(-s.dur), Duration: s.dur, Keyframe: s.key, Payload: b})
		if err != nil {
			return err
		}
		r.sent.Add(1)
		r.bytes.Add(int64(len(b)))
	}
}
