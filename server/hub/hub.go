package hub

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultWindow = 20 * time.Second
	// DefaultMaxBytes bounds one ring. 64 MiB holds the 20 s window of a
	// 25 Mbit/s stream (a 1080p webcam sends 2-8 Mbit/s) with GOPs of
	// several seconds, while 100 Sentinels with runaway GOPs hold at most
	// 6.4 GiB rather than the 25 GiB of the former 256 MiB.
	DefaultMaxBytes = 64 << 20
	// DefaultKeyframeRequestEvery spaces the keyframe requests of one
	// stream: about one GOP of a well-behaved Sentinel.
	DefaultKeyframeRequestEvery = 2 * time.Second
)

// Config sets the size of every stream's ring.
type Config struct {
	// Window is how much media (by segment durations) each ring keeps at
	// least; it also keeps everything back to the latest keyframe, within
	// MaxBytes. Default DefaultWindow.
	Window time.Duration
	// MaxBytes is the hard bound of one ring's message bytes (the server's
	// -window-bytes). Past it the oldest segments go even if that drops the
	// latest keyframe; it should be well above the largest message (a
	// segment larger than the bound is not held at all). Default
	// DefaultMaxBytes.
	MaxBytes int64
	// KeyframeRequestEvery is the least time between two keyframe requests
	// Stream.Publish reports for one stream. Default
	// DefaultKeyframeRequestEvery.
	KeyframeRequestEvery time.Duration
	// Now is the clock of those requests; default time.Now.
	Now func() time.Time
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	if c.Window < 0 || c.MaxBytes < 0 || c.KeyframeRequestEvery < 0 {
		return fmt.Errorf("%w: negative window (%v), bound (%d) or keyframe request interval (%v)",
			ErrConfig, c.Window, c.MaxBytes, c.KeyframeRequestEvery)
	}
	return nil
}

func (c *Config) defaults() {
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.KeyframeRequestEvery <= 0 {
		c.KeyframeRequestEvery = DefaultKeyframeRequestEvery
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Hub holds the streams by Sentinel id.
type Hub struct {
	cfg Config

	mu      sync.Mutex
	streams map[string]*Stream
	closed  bool
}

// New returns an empty Hub.
func New(cfg Config) *Hub {
	cfg.defaults()
	return &Hub{cfg: cfg, streams: make(map[string]*Stream)}
}

// Window is the configured memory window.
func (h *Hub) Window() time.Duration { return h.cfg.Window }

// Stream returns the stream of Sentinel id, creating an empty one if
// needed, so a watcher may subscribe before the Sentinel starts. It
// returns nil once the hub is closed.
func (h *Hub) Stream(id string) *Stream {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	s := h.streams[id]
	if s == nil {
		s = newStream(id, h.cfg)
		h.streams[id] = s
	}
	return s
}

// Lookup returns the stream of id if it exists.
func (h *Hub) Lookup(id string) (*Stream, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.streams[id]
	return s, ok
}

// Streams returns all streams sorted by id.
func (h *Hub) Streams() []*Stream {
	h.mu.Lock()
	out := make([]*Stream, 0, len(h.streams))
	for _, s := range h.streams {
		out = append(out, s)
	}
	h.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// Remove drops the stream of id if it is empty and nobody publishes or
// reads it, and reports whether it did.
func (h *Hub) Remove(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.streams[id]
	if s == nil {
		return false
	}
	s.mu.Lock()
	idle := s.n == 0 && s.removable(time.Time{}, 0)
	if idle {
		s.closed = true
		s.closedPub.Store(true)
	}
	s.mu.Unlock()
	if idle {
		delete(h.streams, id)
	}
	return idle
}

// Sweep drops the streams nobody publishes or reads that are empty or
// whose session ended at least a window before now, and returns how many.
func (h *Hub) Sweep(now time.Time) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for id, s := range h.streams {
		s.mu.Lock()
		idle := s.removable(now, h.cfg.Window)
		if idle {
			s.closed = true
			s.closedPub.Store(true)
		}
		s.mu.Unlock()
		if idle {
			delete(h.streams, id)
			n++
		}
	}
	return n
}

// Totals sums the statistics of every stream.
func (h *Hub) Totals() Stats {
	var t Stats
	for _, s := range h.Streams() {
		st := s.Stats()
		t.Segments += st.Segments
		t.Bytes += st.Bytes
		t.Watchers += st.Watchers
		t.Published += st.Published
		t.Skips += st.Skips
		t.Overflows += st.Overflows
		t.KeyframeAsks += st.KeyframeAsks
	}
	return t
}

// Close closes every stream: cursors return ErrClosed.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	streams := h.streams
	h.streams = map[string]*Stream{}
	h.mu.Unlock()
	for _, s := range streams {
		s.Close()
	}
}
