package sentinel

import (
	"errors"
	"fmt"
	"time"

	"github.com/asticode/go-astiav"
)

// fileSource plays a file in a loop in real time: each call returns the
// picture due at that moment, dropping or repeating pictures to match the
// Sentinel's rate.
type fileSource struct {
	path      string
	in        *input
	cur, next *astiav.Frame
	nextT     float64 // play-clock time of next, seconds
	hasNext   bool
	offset    float64 // play-clock time of the current loop's start
	lastT     float64 // media time of the last picture of this loop
	loopPics  int     // pictures decoded in the current loop
	still     bool    // a single picture (an image): shown forever
	start     time.Time
}

// maxCatchUp bounds the pictures decoded in one call after a stall.
const maxCatchUp = 250

func newFileSource(cfg *Config) (source, error) {
	s := &fileSource{path: cfg.Source, cur: astiav.AllocFrame(), next: astiav.AllocFrame()}
	if err := s.open(); err != nil {
		s.close()
		return nil, err
	}
	// Decode the first picture now, so a file that is not a video fails here.
	if _, err := s.decode(s.cur); err != nil {
		s.close()
		return nil, fmt.Errorf("%w: %s: %v", ErrSource, s.path, err)
	}
	s.hasNext = s.advance() == nil
	return s, nil
}

func (s *fileSource) open() error {
	in, err := openInput(s.path, nil, nil)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrSource, s.path, err)
	}
	s.in = in
	return nil
}

// decode reads the next picture of the file into f, starting over at the
// end, and returns its play-clock time.
func (s *fileSource) decode(f *astiav.Frame) (float64, error) {
	for range 2 {
		t, err := s.in.next(f)
		if err == nil {
			if t < 0 {
				t = s.lastT + s.in.frameS
			}
			s.lastT = t
			s.loopPics++
			return s.offset + t, nil
		}
		if !errors.Is(err, astiav.ErrEof) {
			return 0, err
		}
		if s.loopPics == 0 {
			return 0, errors.New("no video pictures")
		}
		if s.loopPics == 1 {
			s.still = true
			return 0, err
		}
		s.offset += s.lastT + s.in.frameS
		s.lastT, s.loopPics = 0, 0
		s.in.close()
		s.in = nil
		if err := s.open(); err != nil {
			return 0, err
		}
	}
	return 0, errors.New("no video pictures")
}

// advance decodes the picture after cur into next.
func (s *fileSource) advance() error {
	if s.still {
		return astiav.ErrEof
	}
	t, err := s.decode(s.next)
	if err != nil {
		return err
	}
	s.nextT = t
	return nil
}

func (s *fileSource) frame(now time.Time) (*astiav.Frame, error) {
	if s.start.IsZero() {
		s.start = now
	}
	el := now.Sub(s.start).Seconds()
	for i := 0; s.hasNext && s.nextT <= el; i++ {
		if i == maxCatchUp {
			// Far behind (a stall): jump the clock instead of decoding on.
			s.start = now.Add(-time.Duration(s.nextT * float64(time.Second)))
			break
		}
		s.cur, s.next = s.next, s.cur
		if err := s.advance(); err != nil {
			if !s.still {
				return nil, fmt.Errorf("%w: %s: %v", ErrSource, s.path, err)
			}
			s.hasNext = false
		}
	}
	return s.cur, nil
}

func (s *fileSource) close() {
	if s.in != nil {
		s.in.close()
	}
	s.cur.Free()
	s.next.Free()
}
