package sentinel

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) Init(uint64, []byte) error { return nil }
func (discard) Segment(Segment) error     { return nil }

func cpuSelf() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEncode measures the CPU cost of one test Sentinel (picture,
// pattern, libx264, mp4 muxer) per frame, reported as the share of one
// core at 5 fps, and runs the ffmpeg CLI on the same picture with the same
// settings for comparison (x_ffmpeg: ours / ffmpeg's). Run it with
// -benchtime=100x or more so the ffmpeg run is long enough to measure.
func BenchmarkEncode(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"360p", 640, 360}, {"720p", 1280, 720}} {
		b.Run(size.name, func(b *testing.B) {
			cfg := Config{Name: "bench", Source: SourceTest, Width: size.w, Height: size.h, FPS: 5}
			s, err := New(cfg, discard{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			now := time.Now()
			b.ResetTimer()
			c0 := cpuSelf()
			for i := 0; i < b.N; i++ {
				if err := s.step(now); err != nil {
					b.Fatal(err)
				}
				now = s.next
			}
			ours := (cpuSelf() - c0) / time.Duration(b.N)
			b.StopTimer()
			b.ReportMetric(ours.Seconds()*cfg.FPS, "core@5fps")
			b.ReportMetric(float64(ours.Microseconds())/1000, "cpu-ms/frame")
			if b.N < 50 {
				return
			}
			theirs, err := ffmpegCost(s.Config(), b.N)
			if err != nil {
				b.Logf("ffmpeg comparison skipped: %v", err)
				return
			}
			b.ReportMetric(theirs.Seconds()*cfg.FPS, "ffmpeg-core@5fps")
			b.ReportMetric(ours.Seconds()/theirs.Seconds(), "x_ffmpeg")
		})
	}
}

// ffmpegCost encodes frames pictures of the same test graph with the
// ffmpeg CLI and the Sentinel's x264 settings into fragmented MP4, and
// returns its CPU time per frame.
func ffmpegCost(cfg Config, frames int) (time.Duration, error) {
	gop := strconv.Itoa(cfg.gopFrames(cfg.FPS))
	br := strconv.FormatInt(cfg.Bitrate, 10)
	cmd := exec.Command("ffmpeg", "-v", "error", "-filter_threads", "1", "-f", "lavfi", "-i", testGraph(&cfg),
		"-frames:v", strconv.Itoa(frames), "-c:v", "libx264", "-preset", cfg.Preset, "-tune", "zerolatency",
		"-g", gop, "-sc_threshold", "0", "-bf", "0", "-b:v", br, "-maxrate", strconv.FormatInt(cfg.Bitrate*3/2, 10),
		"-bufsize", strconv.FormatInt(cfg.Bitrate*2, 10), "-threads", "1",
		"-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_keyframe", "-y", "/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	st := cmd.ProcessState
	return (st.UserTime() + st.SystemTime()) / time.Duration(frames), nil
}

// BenchmarkLowLatency runs a low-latency test Sentinel in real time at
// 720p, 5 and 30 fps, and reports the capture-to-segment latency (picture
// taken from the source to segment handed to the Sink) against the goal of
// one frame interval plus 30 ms. b.N frames take b.N/fps seconds: run it
// with -benchtime=50x.
func BenchmarkLowLatency(b *testing.B) {
	for _, fps := range []float64{5, 30} {
		b.Run(fmt.Sprintf("720p%g", fps), func(b *testing.B) {
			cfg := Config{Name: "bench", Source: SourceTest, Width: 1280, Height: 720, FPS: fps, LowLatency: true}
			sink := &latencySink{}
			s, err := New(cfg, sink)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sink.want, sink.done = b.N, cancel
			b.ResetTimer()
			if err := s.Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			d := sink.lat
			slices.Sort(d)
			if len(d) == 0 {
				b.Fatal("no segments")
			}
			at := func(q float64) float64 {
				return float64(d[min(len(d)-1, int(q*float64(len(d))))].Microseconds()) / 1000
			}
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.95), "p95-ms")
			b.ReportMetric(float64(d[len(d)-1].Microseconds())/1000, "max-ms")
			b.ReportMetric(1000/cfg.FPS+30, "goal-ms")
			b.ReportMetric(float64(s.Stats().Late), "late-frames")
		})
	}
}

type latencySink struct {
	mu   sync.Mutex
	lat  []time.Duration
	want int
	done func()
}

func (l *latencySink) Init(uint64, []byte) error { return nil }

func (l *latencySink) Segment(s Segment) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lat = append(l.lat, time.Since(s.Captured))
	if len(l.lat) >= l.want {
		l.done()
	}
	return nil
}
