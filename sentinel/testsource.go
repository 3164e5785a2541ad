package sentinel

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/asticode/go-astiav"
)

// testSource draws the synthetic test picture with a filter graph:
// testsrc2 (colour bars with moving parts), the Sentinel's name and the
// wall-clock time by drawtext. The frame-number pattern is written into
// the planes afterwards by the Sentinel, which knows the frame number.
type testSource struct {
	graph *astiav.FilterGraph
	sink  *astiav.FilterContext
	pic   *astiav.Frame
}

func newTestSource(cfg *Config) (*testSource, error) {
	if _, err := os.Stat(cfg.Font); err != nil {
		return nil, fmt.Errorf("%w: font for the test picture: %v (install fonts-dejavu-core)", ErrSource, err)
	}
	s := &testSource{graph: astiav.AllocFilterGraph(), pic: astiav.AllocFrame()}
	// One thread: the graph is cheap and many Sentinels may share a machine.
	s.graph.SetThreadCount(1)
	sinkFilter := astiav.FindFilterByName("buffersink")
	if sinkFilter == nil {
		s.close()
		return nil, fmt.Errorf("%w: no buffersink filter", ErrSource)
	}
	var err error
	if s.sink, err = s.graph.NewFilterContext(sinkFilter, "out", nil); err != nil {
		s.close()
		return nil, fmt.Errorf("%w: buffersink: %v", ErrSource, err)
	}
	in := astiav.AllocFilterInOut()
	defer in.Free()
	in.SetName("out")
	in.SetFilterContext(s.sink)
	in.SetPadIdx(0)
	in.SetNext(nil)
	if err := s.graph.Parse(testGraph(cfg), in, nil); err != nil {
		s.close()
		return nil, fmt.Errorf("%w: test picture filter graph: %v", ErrSource, err)
	}
	if err := s.graph.Configure(); err != nil {
		s.close()
		return nil, fmt.Errorf("%w: configure test picture graph: %v", ErrSource, err)
	}
	return s, nil
}

// testGraph is the filter graph description of the test picture.
func testGraph(cfg *Config) string {
	size := float64(cfg.Height) / 18
	rate := fmt.Sprintf("%d/1000", int(cfg.FPS*1000+0.5))
	text := filterText(cfg.Name) + `  %{localtime\:%Y-%m-%d %H\\\:%M\\\:%S}`
	return fmt.Sprintf("testsrc2=size=%dx%d:rate=%s,"+
		"drawtext=fontfile=%s:fontsize=%d:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=10:y=h-th-12:text='%s',"+
		"format=yuv420p",
		cfg.Width, cfg.Height, rate, filterPath(cfg.Font), int(size), text)
}

// filterText keeps the characters that need no escaping inside a quoted
// drawtext argument.
func filterText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(" -_.#@+=()", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 64 {
			break
		}
	}
	return b.String()
}

// filterPath escapes a file path for a filter option value.
func filterPath(p string) string {
	r := strings.NewReplacer(`\`, `\\\\`, `'`, `\\\'`, `:`, `\\\:`, `,`, `\,`, `;`, `\;`, `[`, `\[`, `]`, `\]`)
	return r.Replace(p)
}

func (s *testSource) frame(time.Time) (*astiav.Frame, error) {
	s.pic.Unref()
	err := s.sink.BuffersinkGetFrame(s.pic, astiav.NewBuffersinkFlags())
	if errors.Is(err, astiav.ErrEof) || errors.Is(err, astiav.ErrEagain) {
		return nil, fmt.Errorf("%w: test picture ended", ErrSource)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: test picture: %v", ErrSource, err)
	}
	return s.pic, nil
}

func (s *testSource) close() {
	if s.pic != nil {
		s.pic.Free()
	}
	if s.graph != nil {
		s.graph.Free()
	}
}
