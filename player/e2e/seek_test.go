package e2e

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"proctor/player"
)

// base is the wall time of the first published frame: the start of the run,
// since the server dates segments further than its clock tolerance from
// its own clock at their receive time.
var base = time.Now().Truncate(time.Second).UTC()

// TestSeekOverHTTP plays a stored session through the real server: each
// seek shows the frame at or before the target.
func TestSeekOverHTTP(t *testing.T) {
	e := startServer(t)
	c := encode(t, patternSource(320, 240, 10, 60), 10, "frag_keyframe")
	e.publish(t, "cam-1", "exam-1", c, base)
	p, err := player.New(nil, e.archive("cam-1", "exam-1"), player.Options{Paused: true, Size: player.Size{Width: 160, Height: 120}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if n := frameNumber(waitFrame(t, p)); n != 0 {
		t.Fatalf("first frame %d", n)
	}
	for _, n := range []int{37, 10, 9, 59, 0, 23} {
		p.Seek(base.Add(time.Duration(n)*100*time.Millisecond + 50*time.Millisecond))
		if got := frameNumber(waitFrame(t, p)); got != n {
			t.Fatalf("seek to frame %d shows %d", n, got)
		}
	}
	p.Step(1)
	if got := frameNumber(waitFrame(t, p)); got != 24 {
		t.Fatalf("step forward from 23 shows %d", got)
	}
	p.Step(-1)
	p.Step(-1)
	if got := frameNumber(waitFrame(t, p)); got != 22 {
		t.Fatalf("two steps back from 24 show %d", got)
	}
	if st := p.Stats(); st.Errors != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// BenchmarkSeekOverHTTP measures seek-to-frame latency (Seek until Take
// returns the frame at or before the target) over loopback HTTP for a
// 720p stream with a 2 s GOP stored on a real server, at the reference
// Sentinel's default 5 fps (10 pictures a GOP) and at 15 fps, the rate a
// focused tile asks for (30 pictures), both at the Sentinel's default
// bitrate of 0.2 bit per pixel per frame, and at 30 fps (60 pictures a
// GOP, x264's default quality). Each op is one seek to a random time.
// "cold" uses a fresh player per seek (the segment is fetched); "warm"
// seeks one player around a session it has cached (decoding from the
// keyframe dominates).
//
// At 30 fps the GOP structure decides: a seek decodes every reference
// picture from the keyframe to the target, so "30fps" (P-pictures only,
// as the reference Sentinel and other low-latency encoders send) decodes
// up to 60, "30fps-b2" (two non-reference B-pictures between references,
// as OBS and many hardware encoders send) about a third of that, and
// "30fps-b3pyramid" (x264's default: three B-pictures, the middle one a
// reference) about half.
func BenchmarkSeekOverHTTP(b *testing.B) {
	e := startServer(b)
	for _, tc := range []struct {
		name string
		fps  int
		x264 string
	}{
		{"5fps", 5, ""},
		{"15fps", 15, ""},
		{"30fps", 30, ""},
		{"30fps-b2", 30, "bframes=2:b-adapt=0:b-pyramid=none"},
		{"30fps-b3pyramid", 30, "bframes=3:b-adapt=0:b-pyramid=normal"},
	} {
		fps := tc.fps
		id, sid := "cam-720-"+tc.name, "exam-720-"+tc.name
		var extra []string
		if fps <= 15 {
			// sentinel.Config's default Bitrate, maxrate and bufsize.
			rate := fmt.Sprint(1280 * 720 * fps / 5)
			extra = []string{"-b:v", rate, "-maxrate", fmt.Sprint(1280 * 720 * fps * 3 / 10),
				"-bufsize", fmt.Sprint(1280 * 720 * fps * 2 / 5)}
		}
		if tc.x264 != "" {
			extra = append(extra, "-x264-params", tc.x264)
		}
		c := encode(b, fmt.Sprintf("testsrc2=s=1280x720:r=%d:d=20", fps), 2*fps, "frag_keyframe", extra...)
		e.publish(b, id, sid, c, base)
		frame := time.Second / time.Duration(fps)
		b.Run(tc.name, func(b *testing.B) {
			benchSeeks(b, e.archive(id, sid), frame)
		})
	}
}

// benchSeeks runs the cold and warm seek benchmarks on one stored stream
// of 20 s whose frames last frame.
func benchSeeks(b *testing.B, arch player.Archive, frame time.Duration) {
	opts := player.Options{Paused: true, Size: player.Size{Width: 640, Height: 360}}
	for _, cold := range []bool{true, false} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			var lat []time.Duration
			var p *player.Player
			newPlayer := func() {
				var err error
				if p, err = player.New(nil, arch, opts); err != nil {
					b.Fatal(err)
				}
				waitFrame(b, p)
			}
			newPlayer()
			if !cold {
				for i := range 10 { // fill the cache
					p.Seek(base.Add(time.Duration(i) * 2 * time.Second))
					waitFrame(b, p)
				}
			}
			var decoded uint64
			b.ResetTimer()
			for range b.N {
				at := base.Add(time.Duration(rng.Int64N(int64(19 * time.Second))))
				d0 := p.Stats().Decoded
				start := time.Now()
				p.Seek(at)
				f := waitFrame(b, p)
				lat = append(lat, time.Since(start))
				decoded += p.Stats().Decoded - d0
				if f.Time.After(at) || at.Sub(f.Time) > frame+frame/10 {
					b.Fatalf("seek to %v shows %v", at.Sub(base), f.Time.Sub(base))
				}
				if cold {
					p.Close()
					newPlayer()
				}
			}
			b.StopTimer()
			p.Close()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)*95)/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			var sum time.Duration
			for _, l := range lat {
				sum += l
			}
			// Pictures decoded per seek (from the keyframe to the target,
			// plus the few decoded ahead) and the mean time per picture.
			b.ReportMetric(float64(decoded)/float64(len(lat)), "pictures/seek")
			b.ReportMetric(float64(sum.Microseconds())/1000/float64(decoded), "ms/picture")
		})
	}
}

// BenchmarkStepBack measures one step back (Step(-1) until Take returns
// the previous frame) while paused, over loopback HTTP, 720p with a 2 s
// GOP: after each seek to a random time, five single steps back, as a
// reviewer tapping the left arrow. One op is one step.
func BenchmarkStepBack(b *testing.B) {
	e := startServer(b)
	for _, fps := range []int{5, 30} {
		id, sid := fmt.Sprintf("cam-step-%d", fps), fmt.Sprintf("exam-step-%d", fps)
		c := encode(b, fmt.Sprintf("testsrc2=s=1280x720:r=%d:d=20", fps), 2*fps, "frag_keyframe")
		e.publish(b, id, sid, c, base)
		frame := time.Second / time.Duration(fps)
		b.Run(fmt.Sprintf("%dfps", fps), func(b *testing.B) {
			p, err := player.New(nil, e.archive(id, sid), player.Options{Paused: true, Size: player.Size{Width: 640, Height: 360}})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			waitFrame(b, p)
			rng := rand.New(rand.NewPCG(3, 4))
			var lat []time.Duration
			b.ResetTimer()
			for len(lat) < b.N {
				b.StopTimer()
				p.Seek(base.Add(time.Second + time.Duration(rng.Int64N(int64(18*time.Second)))))
				cur := waitFrame(b, p)
				b.StartTimer()
				for range min(5, b.N-len(lat)) {
					start := time.Now()
					p.Step(-1)
					f := waitFrame(b, p)
					lat = append(lat, time.Since(start))
					if d := cur.Time.Sub(f.Time); d <= 0 || d > frame+frame/10 {
						b.Fatalf("step back from %v shows %v", cur.Time.Sub(base), f.Time.Sub(base))
					}
					cur = f
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)*95)/100].Microseconds())/1000, "p95-ms")
		})
	}
}
