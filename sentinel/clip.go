package sentinel

import (
	"fmt"
	"time"
)

// Clip is a stretch of encoded output: one init segment and its media
// segments, made without waiting for the clock.
type Clip struct {
	Init     []byte
	Segments []Segment
}

// clipSink collects a Clip.
type clipSink struct{ c *Clip }

func (s clipSink) Init(gen uint64, payload []byte) error {
	if gen != 1 {
		return fmt.Errorf("%w: clip changed generation", ErrEncoder)
	}
	s.c.Init = payload
	return nil
}

func (s clipSink) Segment(seg Segment) error {
	s.c.Segments = append(s.c.Segments, seg)
	return nil
}

// EncodeClip encodes frames pictures of cfg's source as fast as the
// machine allows, timestamped as if captured at cfg.FPS from now on. With
// the test source and a whole number of GOPs it gives a clip that loops
// seamlessly: the load tool replays it, tests use it as real Sentinel
// output.
func EncodeClip(cfg Config, frames int) (Clip, error) {
	var c Clip
	if frames <= 0 {
		return c, fmt.Errorf("%w: %d frames", ErrConfig, frames)
	}
	s, err := New(cfg, clipSink{&c})
	if err != nil {
		return c, err
	}
	defer s.Close()
	now := time.Now()
	for i := 0; i < frames; i++ {
		if err := s.step(now); err != nil {
			return c, err
		}
		now = s.next
	}
	if err := s.finish(); err != nil {
		return c, err
	}
	return c, nil
}
