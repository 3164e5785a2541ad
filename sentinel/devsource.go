package sentinel

import (
	"fmt"
	"sync"
	"time"

	"github.com/asticode/go-astiav"
)

var registerDevices sync.Once

// screenSource grabs the X11 screen with x11grab. The grabber is opened
// with a rate above any the Sentinel asks for, so each read grabs the
// screen at that moment: the source is pulled at the Sentinel's pace.
type screenSource struct {
	in  *input
	pic *astiav.Frame
}

func newScreenSource(cfg *Config) (source, error) {
	if cfg.Display == "" {
		return nil, fmt.Errorf("%w: screen: no display (set DISPLAY or --display)", ErrSource)
	}
	registerDevices.Do(astiav.RegisterAllDevices)
	f := astiav.FindInputFormat("x11grab")
	if f == nil {
		return nil, fmt.Errorf("%w: screen: this FFmpeg has no x11grab", ErrSource)
	}
	in, err := openInput(cfg.Display, f, map[string]string{"framerate": "120", "draw_mouse": "1"})
	if err != nil {
		return nil, fmt.Errorf("%w: screen: cannot open X display %s: %v", ErrSource, cfg.Display, err)
	}
	return &screenSource{in: in, pic: astiav.AllocFrame()}, nil
}

func (s *screenSource) frame(time.Time) (*astiav.Frame, error) {
	if _, err := s.in.next(s.pic); err != nil {
		return nil, fmt.Errorf("%w: screen: %v", ErrSource, err)
	}
	return s.pic, nil
}

func (s *screenSource) close() {
	s.in.close()
	s.pic.Free()
}

// cameraSource reads a V4L2 camera. A camera delivers at its own rate, so
// a goroutine reads all the time and keeps the newest picture.
type cameraSource struct {
	in   *input
	out  *astiav.Frame
	done chan struct{}
	wg   sync.WaitGroup

	mu     sync.Mutex
	latest *astiav.Frame
	fresh  bool
	err    error
}

func newCameraSource(cfg *Config) (source, error) {
	registerDevices.Do(astiav.RegisterAllDevices)
	f := astiav.FindInputFormat("v4l2")
	if f == nil {
		return nil, fmt.Errorf("%w: %s: this FFmpeg has no v4l2", ErrSource, cfg.Source)
	}
	in, err := openInput(cfg.Source, f, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSource, cfg.Source, err)
	}
	s := &cameraSource{in: in, out: astiav.AllocFrame(), latest: astiav.AllocFrame(), done: make(chan struct{})}
	s.wg.Add(1)
	go s.read()
	return s, nil
}

func (s *cameraSource) read() {
	defer s.wg.Done()
	pic := astiav.AllocFrame()
	defer pic.Free()
	for {
		select {
		case <-s.done:
			return
		default:
		}
		_, err := s.in.next(pic)
		s.mu.Lock()
		if err != nil {
			s.err = err
			s.mu.Unlock()
			return
		}
		s.latest.Unref()
		s.latest.MoveRef(pic)
		s.fresh = true
		s.mu.Unlock()
	}
}

// frame returns the newest picture, waiting up to a second for the first.
func (s *cameraSource) frame(time.Time) (*astiav.Frame, error) {
	deadline := time.Now().Add(time.Second)
	for {
		s.mu.Lock()
		if s.fresh || s.out.Width() > 0 {
			if s.fresh {
				s.out.Unref()
				err := s.out.Ref(s.latest)
				s.fresh = false
				if err != nil {
					s.mu.Unlock()
					return nil, fmt.Errorf("%w: camera: %v", ErrSource, err)
				}
			}
			s.mu.Unlock()
			return s.out, nil
		}
		err := s.err
		s.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("%w: camera: %v", ErrSource, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: camera: no picture within a second", ErrSource)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// close stops the reader; a read blocked in the driver returns within a
// frame interval of the camera.
func (s *cameraSource) close() {
	close(s.done)
	s.wg.Wait()
	s.in.close()
	s.out.Free()
	s.latest.Free()
}
