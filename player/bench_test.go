package player

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"proctor/proto"
)

// benchClip encodes testsrc2 (moving content, unlike the frame-number
// pattern) as fMP4 and returns the file and the clip cut into segments.
func benchClip(b testing.TB, w, h, fps, gop, frames int) (string, *clip) {
	b.Helper()
	dir := b.TempDir()
	out := filepath.Join(dir, "bench.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi",
		"-i", fmt.Sprintf("testsrc2=s=%dx%d:r=%d:d=%g", w, h, fps, float64(frames)/float64(fps)),
		"-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-g", fmt.Sprint(gop),
		"-keyint_min", fmt.Sprint(gop), "-sc_threshold", "0", "-threads", "1",
		"-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", out)
	if o, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg: %v\n%s", err, o)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	return out, splitClip(b, data, fps, gop, 0, frames, 0)
}

var benchUtime = regexp.MustCompile(`bench: utime=([0-9.]+)s stime=([0-9.]+)s`)

// cpuTime is the process's user+system CPU time: on this shared machine
// wall time mostly measures the neighbours.
func cpuTime() time.Duration { return rusage(syscall.RUSAGE_SELF) }

// rusageThread is Linux's RUSAGE_THREAD: the calling thread only.
const rusageThread = 1

// threadTime is the calling thread's user+system CPU time; the goroutine
// must be locked to its thread.
func threadTime() time.Duration { return rusage(rusageThread) }

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ffmpegFPS decodes file with the ffmpeg CLI on one thread and returns
// frames per second of CPU time (user+system), the best of runs runs.
// With a size, ffmpeg also scales to it in RGBA (fast bilinear) as the
// player does; without, it only decodes.
func ffmpegFPS(b *testing.B, file string, frames int, size Size, runs int) float64 {
	args := []string{"-benchmark", "-threads", "1", "-i", file}
	if size.Width > 0 {
		args = append(args, "-filter_threads", "1", "-vf",
			fmt.Sprintf("scale=%d:%d:flags=fast_bilinear,format=rgba", size.Width, size.Height))
	}
	args = append(args, "-f", "null", "-")
	best := 0.0
	for range runs {
		o, err := exec.Command("ffmpeg", args...).CombinedOutput()
		if err != nil {
			b.Fatalf("ffmpeg: %v\n%s", err, o)
		}
		m := benchUtime.FindSubmatch(o)
		if m == nil {
			b.Fatalf("no utime in ffmpeg output:\n%s", o)
		}
		u, _ := strconv.ParseFloat(string(m[1]), 64)
		st, _ := strconv.ParseFloat(string(m[2]), 64)
		if fps := float64(frames) / (u + st); fps > best {
			best = fps
		}
	}
	return best
}

// BenchmarkDecodeScale measures the engine's decode path (demux, padded
// packets, one-thread decode, swscale to RGBA, copy into a pooled image)
// against `ffmpeg -threads 1 -i seg.mp4 -f null -` on the same file, both
// in CPU time, a ratio per pass over the clip and the median of those:
// %-of-ffmpeg is the goal (>= 85%), and since that
// reference only decodes, it charges the player with all of the scaling.
// %-of-ffmpeg-scale compares with ffmpeg doing the same work (decode, then
// its scale filter to the same size in RGBA). fps is the player's best
// pass, ffmpeg-fps the reference's median. One op is one frame. Run with
// -benchtime=Nx for N frames (300 a pass).
//
// The player's side is the CPU time of the thread that decodes and scales
// (the goroutine is locked to it), the one core of the comparison.
// %-of-ffmpeg-proc charges it with the whole process's CPU time instead,
// which adds the Go runtime's monitor thread (sysmon): it wakes often
// while a goroutine is in a long cgo call, about 7% of a core here, once
// per process however many streams it decodes.
func BenchmarkDecodeScale(b *testing.B) {
	for _, tc := range []struct {
		name       string
		w, h       int
		outW, outH int
	}{
		{"360p-decode-only", 640, 360, 0, 0},
		{"360p-to-360p", 640, 360, 640, 360},
		{"360p-to-tile", 640, 360, 320, 180},
		{"720p-decode-only", 1280, 720, 0, 0},
		{"720p-to-720p", 1280, 720, 1280, 720},
		{"720p-to-tile", 1280, 720, 480, 270},
	} {
		b.Run(tc.name, func(b *testing.B) {
			const frames = 300
			file, c := benchClip(b, tc.w, tc.h, 30, 60, frames)
			size := Size{tc.outW, tc.outH}
			// The machine's speed drifts (shared cores): ffmpeg runs
			// right before every pass over the clip, and each ratio is
			// the median of the passes' ratios, so both sides of a ratio
			// are measured in the same stretch of time.
			var ffPass, ffScalePass float64
			var ratios [4][]float64 // thread, process, scale; per pass
			reference := func() {
				b.StopTimer()
				ffPass = ffmpegFPS(b, file, frames, Size{}, 1)
				if size.Width > 0 {
					ffScalePass = ffmpegFPS(b, file, frames, size, 1)
				}
				b.StartTimer()
			}
			dec, err := newDecoder()
			if err != nil {
				b.Fatal(err)
			}
			defer dec.close()
			info, err := proto.ParseInit(c.init)
			if err != nil {
				b.Fatal(err)
			}
			if err := dec.open(info.AVCC); err != nil {
				b.Fatal(err)
			}
			pool := newImagePool()
			var samples []proto.Sample
			var keep [3]*Frame
			n := 0
			b.ReportAllocs()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			best := 0.0 // frames per CPU second of the fastest pass
			b.ResetTimer()
			for n < b.N {
				reference()
				start, startProc, n0 := threadTime(), cpuTime(), n
				for _, seg := range c.segs {
					mi, err := proto.ParseMedia(seg, &info, samples)
					if err != nil {
						b.Fatal(err)
					}
					samples = mi.Samples
					for _, s := range samples {
						if err := dec.send(seg[s.Offset:s.Offset+s.Size], s.DTS+int64(s.CTO), s.DTS, s.Sync); err != nil {
							b.Fatal(err)
						}
						for {
							ok, err := dec.receive()
							if err != nil {
								b.Fatal(err)
							}
							if !ok {
								break
							}
							n++
							if size.Width == 0 {
								continue
							}
							f := pool.get(size)
							if err := dec.scale(dec.out, f.Image); err != nil {
								b.Fatal(err)
							}
							pool.put(keep[n%3])
							keep[n%3] = f
						}
					}
				}
				fps := float64(n-n0) / (threadTime() - start).Seconds()
				fpsProc := float64(n-n0) / (cpuTime() - startProc).Seconds()
				ratios[0] = append(ratios[0], fps/ffPass)
				ratios[1] = append(ratios[1], fpsProc/ffPass)
				ratios[2] = append(ratios[2], fps/ffScalePass)
				ratios[3] = append(ratios[3], ffPass)
				best = max(best, fps)
			}
			b.StopTimer()
			b.ReportMetric(best, "fps")
			b.ReportMetric(median(ratios[3]), "ffmpeg-fps")
			b.ReportMetric(100*median(ratios[0]), "%-of-ffmpeg")
			b.ReportMetric(100*median(ratios[1]), "%-of-ffmpeg-proc")
			if size.Width > 0 {
				b.ReportMetric(100*median(ratios[2]), "%-of-ffmpeg-scale")
			}
		})
	}
}

// median returns the middle value of v (the mean of the two middle ones
// for an even count); v is sorted in place.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	m := len(v) / 2
	if len(v)%2 == 0 {
		return (v[m-1] + v[m]) / 2
	}
	return v[m]
}
