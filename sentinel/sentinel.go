package sentinel

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asticode/go-astiav"
)

// Sink receives a Sentinel's output, in order, from the goroutine running
// Sentinel.Run. An error from a Sink stops Run with that error. The client
// package's Publisher fits through a small adapter.
type Sink interface {
	// Init delivers the init segment (ftyp+moov) of generation gen; the
	// first is 1 and each new encoder configuration adds 1.
	Init(gen uint64, payload []byte) error
	// Segment delivers one media segment (moof+mdat). The Sink may keep
	// seg.Payload: the Sentinel never reuses it.
	Segment(seg Segment) error
}

// Segment is one media segment with what a header needs.
type Segment struct {
	// Generation of the init segment this one needs.
	Generation uint64
	// Time is the wall-clock time of the first sample.
	Time time.Time
	// Duration is the sum of the sample durations.
	Duration time.Duration
	// Keyframe says the first sample is an IDR picture.
	Keyframe bool
	// Frames is the number of samples; FirstFrame the Sentinel's number of
	// the first (what the test picture's pattern shows).
	Frames     int
	FirstFrame uint64
	// Captured is when the last picture of the segment was taken from the
	// source; time.Since(Captured) at the Sink is the capture-to-segment
	// latency.
	Captured time.Time
	// Payload is the fMP4 bytes.
	Payload []byte
}

// Sentinel captures, encodes and segments one source. Run drives it;
// RequestKeyframe, SetFPS and SetSize may be called from any goroutine.
type Sentinel struct {
	cfg  Config
	sink Sink
	log  *slog.Logger

	// Requests from other goroutines, applied by Run at the next frame.
	keyReq  atomic.Bool
	fpsReq  atomic.Uint64 // math.Float64bits; 0 means the configured rate
	sizeReq atomic.Uint64 // width<<32 | height; 0 means unchanged

	// Owned by the goroutine in Run.
	src     source
	scale   *scaler
	enc     *encoder
	mux     *muxer
	gen     uint64
	frameNo uint64
	start   time.Time // wall-clock time of pts 0
	next    time.Time // scheduled time of the next frame
	lastKey time.Time // scheduled time of the last keyframe
	pending []sample  // samples written into the fragment being built
	held    *astiav.Packet
	heldSmp sample
	holding bool // held carries the last packet, not yet written
	width   int
	height  int
	cueOn   []bool        // which of cfg.Cues are on
	frozen  *astiav.Frame // the picture a freeze repeats
	holdPic bool          // frozen holds one

	mu      sync.Mutex
	stats   Stats
	running bool
	closed  bool
}

// sample is one frame written into the current fragment.
type sample struct {
	at       time.Time // scheduled time
	pts      int64     // in timeBase units
	dur      time.Duration
	captured time.Time
	frame    uint64
	key      bool
}

// New opens the source and checks the encoder, so a bad source or setting
// fails here with one clear error, before anything is published.
func New(cfg Config, sink Sink) (*Sentinel, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if sink == nil {
		return nil, fmt.Errorf("%w: nil sink", ErrConfig)
	}
	src, err := openSource(&cfg)
	if err != nil {
		return nil, err
	}
	s := &Sentinel{
		cfg:    cfg,
		sink:   sink,
		log:    cfg.Log.With("component", "sentinel", "source", cfg.Source),
		src:    src,
		width:  cfg.Width,
		height: cfg.Height,
		held:   astiav.AllocPacket(),
		cueOn:  make([]bool, len(cfg.Cues)),
		frozen: astiav.AllocFrame(),
	}
	s.scale = newScaler(cfg.Width, cfg.Height)
	if s.enc, err = newEncoder(&s.cfg, cfg.Width, cfg.Height); err != nil {
		s.src.close()
		s.scale.close()
		return nil, err
	}
	return s, nil
}

// Config returns the validated configuration.
func (s *Sentinel) Config() Config { return s.cfg }

// RequestKeyframe makes the next frame an IDR picture that starts a new
// segment.
func (s *Sentinel) RequestKeyframe() { s.keyReq.Store(true) }

// SetFPS changes the frame rate from the next frame interval on; 0 (or a
// rate out of range) restores the configured rate.
func (s *Sentinel) SetFPS(fps float64) {
	if fps < 0.1 || fps > 120 || math.IsNaN(fps) {
		fps = 0
	}
	s.fpsReq.Store(math.Float64bits(fps))
}

// SetSize changes the encoded picture size (even, at least 64x64); the
// next frame starts a new init generation.
func (s *Sentinel) SetSize(w, h int) error {
	if w < 64 || h < 64 || w > 7680 || h > 4320 || w%2 != 0 || h%2 != 0 {
		return fmt.Errorf("%w: size %dx%d", ErrConfig, w, h)
	}
	s.sizeReq.Store(uint64(w)<<32 | uint64(h))
	return nil
}

// currentFPS is the rate the next interval uses.
func (s *Sentinel) currentFPS() float64 {
	if f := math.Float64frombits(s.fpsReq.Load()); f > 0 {
		return f
	}
	return s.cfg.FPS
}

// Run captures and encodes one frame per frame interval until ctx is done,
// then emits the last partial segment and returns nil. It returns early
// with the error of the source, the encoder or the Sink.
func (s *Sentinel) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.closed || s.running {
		s.mu.Unlock()
		return ErrClosed
	}
	s.running = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return s.finish()
		case <-timer.C:
		}
		if err := s.step(time.Now()); err != nil {
			return err
		}
		timer.Reset(time.Until(s.next))
	}
}

// Close frees the source and the encoder. Run must have returned.
func (s *Sentinel) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	if s.running {
		return fmt.Errorf("%w: close while running", ErrConfig)
	}
	s.closed = true
	if s.mux != nil {
		s.mux.close()
	}
	s.enc.close()
	s.scale.close()
	s.src.close()
	s.held.Free()
	s.frozen.Free()
	return nil
}
