package player

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"
)

// BenchmarkFastPlayback plays 20 s of stored 720p history at high speed
// against the wall clock, taking frames at 60 Hz as the UI does, and
// reports how far the pictures shown trail the play clock (lag p50, p95),
// how many pictures a second are shown, and how long the 20 s took
// (wall-ms; ideal: 20 s / speed): a player that cannot keep up plays
// slower than asked. One op is one play-through.
func BenchmarkFastPlayback(b *testing.B) {
	for _, fps := range []int{5, 30} {
		_, c := benchClip(b, 1280, 720, fps, 2*fps, 20*fps)
		end := frameTime(20*fps-1, fps).Add(-time.Millisecond) // frame times are whole microseconds
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		for _, speed := range []float64{4, 16} {
			b.Run(fmt.Sprintf("%dfps/%gx", fps, speed), func(b *testing.B) {
				var lags []time.Duration
				var shown int
				var wall time.Duration
				for range b.N {
					p, err := New(nil, newMemArchive(c), Options{Log: log, Size: Size{640, 360}, Paused: true})
					if err != nil {
						b.Fatal(err)
					}
					waitTake(b, p)
					if err := p.SetSpeed(speed); err != nil {
						b.Fatal(err)
					}
					start := time.Now()
					p.Play()
					tick := time.NewTicker(time.Second / 60)
					var last time.Time
					for last.Before(end) && time.Since(start) < time.Minute {
						<-tick.C
						f, ok := p.Take()
						if !ok {
							continue
						}
						shown++
						last = f.Time
						p.mu.Lock()
						pos := p.clk.position(p.clock.Now(), p.speed)
						p.mu.Unlock()
						lags = append(lags, pos.Sub(f.Time))
					}
					tick.Stop()
					wall += time.Since(start)
					p.Close()
				}
				slices.Sort(lags)
				b.ReportMetric(float64(lags[len(lags)/2].Milliseconds()), "lag-p50-ms")
				b.ReportMetric(float64(lags[len(lags)*95/100].Milliseconds()), "lag-p95-ms")
				b.ReportMetric(float64(shown)/wall.Seconds(), "shown/s")
				b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "wall-ms")
			})
		}
	}
}

// waitTake waits (a bounded real time) for the next frame a player shows.
func waitTake(tb testing.TB, p *Player) Frame {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if f, ok := p.Take(); ok {
			return f
		}
		time.Sleep(time.Millisecond)
	}
	tb.Fatalf("no frame within 10 s; stats %+v", p.Stats())
	return Frame{}
}
