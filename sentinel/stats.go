package sentinel

import "time"

// Stats counts what a Sentinel did.
type Stats struct {
	Frames     int64
	Keyframes  int64
	Segments   int64
	Bytes      int64
	Late       int64 // frame intervals dropped because the loop ran late
	Generation uint64
	Width      int
	Height     int
	FPS        float64       // rate of the last frame
	EncodeTime time.Duration // time spent in libx264 and the muxer
	Cues       int64         // times a scheduled cue turned on or off
	Frozen     int64         // frames that repeated a frozen picture
}

// Stats returns a snapshot of the counters.
func (s *Sentinel) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Sentinel) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}
