package sentinel

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/asticode/go-astiav"
)

// source produces the picture of each frame the Sentinel encodes. The
// Sentinel pulls one picture per frame interval, so a source either makes
// pictures on demand (test, screen) or keeps the newest one (file, camera).
type source interface {
	// frame returns the picture to encode at wall-clock time now. It stays
	// owned by the source and valid until the next call or close.
	frame(now time.Time) (*astiav.Frame, error)
	close()
}

// openSource opens the configured source; errors wrap ErrUnknownSource or
// ErrSource and say what is wrong in one line.
func openSource(cfg *Config) (source, error) {
	switch {
	case cfg.Source == SourceTest && cfg.Scene != SceneBars && cfg.Scene != "":
		return newSceneSource(cfg)
	case cfg.Source == SourceTest:
		return newTestSource(cfg)
	case cfg.Source == SourceScreen:
		return newScreenSource(cfg)
	case strings.HasPrefix(cfg.Source, "/dev/video"):
		return newCameraSource(cfg)
	}
	st, err := os.Stat(cfg.Source)
	switch {
	case os.IsNotExist(err):
		return nil, fmt.Errorf("%w %q: not test, screen, /dev/videoN or an existing file", ErrUnknownSource, cfg.Source)
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrSource, err)
	case st.IsDir():
		return nil, fmt.Errorf("%w: %s is a directory", ErrSource, cfg.Source)
	}
	f, err := os.Open(cfg.Source)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSource, err)
	}
	f.Close()
	return newFileSource(cfg)
}

// scaler converts pictures of any size and pixel format to the encoder's
// yuv420p size, reallocating when the input changes.
type scaler struct {
	sws        *astiav.SoftwareScaleContext
	srcW, srcH int
	srcFmt     astiav.PixelFormat
	dstW, dstH int
	out        *astiav.Frame
}

func newScaler(w, h int) *scaler {
	return &scaler{dstW: w, dstH: h, out: astiav.AllocFrame()}
}

// scale returns in converted to the target; in itself when it already fits.
// The result is valid until the next call.
func (s *scaler) scale(in *astiav.Frame) (*astiav.Frame, error) {
	if in.Width() == s.dstW && in.Height() == s.dstH && in.PixelFormat() == astiav.PixelFormatYuv420P {
		return in, nil
	}
	if s.sws == nil || in.Width() != s.srcW || in.Height() != s.srcH || in.PixelFormat() != s.srcFmt {
		if s.sws != nil {
			s.sws.Free()
		}
		var err error
		s.sws, err = astiav.CreateSoftwareScaleContext(in.Width(), in.Height(), in.PixelFormat(),
			s.dstW, s.dstH, astiav.PixelFormatYuv420P, astiav.NewSoftwareScaleContextFlags(astiav.SoftwareScaleContextFlagBilinear))
		if err != nil {
			s.sws = nil
			return nil, fmt.Errorf("scale %dx%d %s: %w", in.Width(), in.Height(), in.PixelFormat(), err)
		}
		s.srcW, s.srcH, s.srcFmt = in.Width(), in.Height(), in.PixelFormat()
	}
	// A fresh buffer per picture: the encoder may still reference the last.
	s.out.Unref()
	s.out.SetWidth(s.dstW)
	s.out.SetHeight(s.dstH)
	s.out.SetPixelFormat(astiav.PixelFormatYuv420P)
	if err := s.out.AllocBuffer(0); err != nil {
		return nil, fmt.Errorf("allocate picture: %w", err)
	}
	if err := s.sws.ScaleFrame(in, s.out); err != nil {
		return nil, fmt.Errorf("scale: %w", err)
	}
	return s.out, nil
}

func (s *scaler) close() {
	if s.sws != nil {
		s.sws.Free()
	}
	s.out.Free()
}
