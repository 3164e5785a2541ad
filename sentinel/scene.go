package sentinel

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/asticode/go-astiav"
)

// Scenes of the test source (Config.Scene).
const (
	// SceneBars is the colour-bar test picture (testsrc2), the default.
	SceneBars = "bars"
	// SceneWebcam looks like a candidate's webcam: a room and a person who
	// moves, now and then leaves the frame or is joined by a second one.
	SceneWebcam = "webcam"
	// SceneScreen looks like a candidate's screen: a desktop whose window
	// shows a page of text that grows and scrolls, switching windows now
	// and then.
	SceneScreen = "screen"
)

// painter draws one scene into a picture: t is the scene time since the
// first frame, now the wall-clock time (the clocks on screen).
type painter interface {
	paint(p *planes, t time.Duration, now time.Time)
	// setAway is the away cue: the person leaves the picture, or returns.
	setAway(on bool)
	close()
}

// sceneSource is the test source of the webcam and screen scenes, drawn in
// the planes in Go: the picture is a pure function of the seed, the scene
// time, the wall clock and the cues the Sentinel set, so tests can rely on
// it. The Sentinel writes the frame-number pattern on top, as for the bars.
type sceneSource struct {
	pic   *astiav.Frame
	w, h  int
	start time.Time
	paint painter
}

func newSceneSource(cfg *Config) (*sceneSource, error) {
	var (
		p   painter
		err error
	)
	switch cfg.Scene {
	case SceneWebcam:
		p, err = newWebcam(cfg)
	case SceneScreen:
		p, err = newScreen(cfg)
	default:
		return nil, fmt.Errorf("%w: scene %q", ErrConfig, cfg.Scene)
	}
	if err != nil {
		return nil, err
	}
	return &sceneSource{pic: astiav.AllocFrame(), w: cfg.Width, h: cfg.Height, paint: p}, nil
}

func (s *sceneSource) frame(now time.Time) (*astiav.Frame, error) {
	if s.start.IsZero() {
		s.start = now
	}
	// A fresh buffer per picture: the encoder may still reference the last.
	s.pic.Unref()
	s.pic.SetWidth(s.w)
	s.pic.SetHeight(s.h)
	s.pic.SetPixelFormat(astiav.PixelFormatYuv420P)
	if err := s.pic.AllocBuffer(0); err != nil {
		return nil, fmt.Errorf("%w: allocate picture: %v", ErrSource, err)
	}
	y, ys := planeBytes(s.pic, 0, s.h)
	u, cs := planeBytes(s.pic, 1, (s.h+1)/2)
	v, _ := planeBytes(s.pic, 2, (s.h+1)/2)
	if y == nil || u == nil || v == nil {
		return nil, fmt.Errorf("%w: picture without planes", ErrSource)
	}
	s.paint.paint(&planes{y: y, u: u, v: v, ys: ys, cs: cs, w: s.w, h: s.h}, now.Sub(s.start), now)
	return s.pic, nil
}

func (s *sceneSource) close() {
	s.pic.Free()
	s.paint.close()
}

// defaultSeed derives a scene seed from the Sentinel's name, so the
// Sentinels of a demo differ and each looks the same on every run.
func defaultSeed(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// setAway passes the away cue to the scene.
func (s *sceneSource) setAway(on bool) { s.paint.setAway(on) }
