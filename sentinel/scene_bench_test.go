package sentinel

import (
	"testing"
	"time"
)

// BenchmarkScenes measures the CPU per frame (picture, pattern, libx264,
// muxer) of the webcam and screen scenes against the colour bars, side by
// side: the three Sentinels take turns frame by frame, so the machine's
// load hits them alike. x_bars is a scene's cost over the bars'; the goal
// is at most 1.2. Run with -benchtime=100x or more: the scenes' events
// (a person leaving, a window switching) take tens of seconds of scene
// time.
func BenchmarkScenes(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"360p", 640, 360}, {"720p", 1280, 720}} {
		b.Run(size.name, func(b *testing.B) {
			scenes := []string{SceneBars, SceneWebcam, SceneScreen}
			sens := make([]*Sentinel, len(scenes))
			for i, sc := range scenes {
				s, err := New(Config{Name: "exam-ada", Source: SourceTest, Scene: sc, Width: size.w, Height: size.h, FPS: 5}, discard{})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				sens[i] = s
			}
			cpu := make([]time.Duration, len(scenes))
			now := time.Now()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				for i, s := range sens {
					c0 := cpuSelf()
					if err := s.step(now); err != nil {
						b.Fatal(err)
					}
					cpu[i] += cpuSelf() - c0
				}
				now = now.Add(200 * time.Millisecond)
			}
			b.StopTimer()
			for i, sc := range scenes {
				per := cpu[i] / time.Duration(b.N)
				b.ReportMetric(float64(per.Microseconds())/1000, sc+"-cpu-ms/frame")
				if i > 0 {
					b.ReportMetric(float64(cpu[i])/float64(cpu[0]), sc+"-x_bars")
				}
			}
		})
	}
}
