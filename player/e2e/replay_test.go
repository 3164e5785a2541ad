package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"proctor/client"
	"proctor/player"
	"proctor/proto"
	"proctor/server/auth"
)

// BenchmarkInstantReplay measures the focus view's instant replay: a
// player following a live stream (720p, 2 s GOP, at the reference
// Sentinel's 5 fps and the focused rate of 15 fps, at the Sentinel's
// bitrate) is sent 8-12 s back, and the time until Take returns the
// picture is one op. The stream's history is stored on a real server on
// loopback and the player has it as its Archive, as the app's Live.Replay
// gives it.
//
// "replay" is Player.Replay, what the focus view uses: the keyframe at or
// before the target, one picture to decode. "seek" is Player.Seek for
// comparison: the exact picture, decoding from the keyframe to it.
// "watched" is a player that has followed the stream for 30 s: the time
// is in its memory of the live feed. "just-opened" is a player that has
// only had the live feed's latest GOP (a focus view opened a moment ago):
// the segments come from the server over HTTP.
func BenchmarkInstantReplay(b *testing.B) {
	e := startServer(b)
	h := client.NewHistory(e.config(auth.RoleAdmin, "e2e"))
	for _, fps := range []int{5, 15} {
		id, sid := fmt.Sprintf("cam-replay-%d", fps), fmt.Sprintf("exam-replay-%d", fps)
		rate := fmt.Sprint(1280 * 720 * fps / 5) // sentinel.Config's default bitrate
		c := encode(b, fmt.Sprintf("testsrc2=s=1280x720:r=%d:d=30", fps), 2*fps, "frag_keyframe",
			"-b:v", rate, "-maxrate", fmt.Sprint(1280*720*fps*3/10), "-bufsize", fmt.Sprint(1280*720*fps*2/5))
		e.publish(b, id, sid, c, base)
		list, err := h.Segments(context.Background(), sid, id, time.Time{}, time.Time{})
		if err != nil || len(list) != len(c.segs) {
			b.Fatalf("segment list: %d, %v", len(list), err)
		}
		last := list[len(list)-1]
		end := last.Start.Add(time.Duration(last.Duration) * time.Millisecond)
		frame := time.Second / time.Duration(fps)
		for _, tc := range []struct {
			name           string
			watched, exact bool
		}{{"watched/replay", true, false}, {"watched/seek", true, true}, {"just-opened/replay", false, false}, {"just-opened/seek", false, true}} {
			watched := tc.watched
			b.Run(fmt.Sprintf("%dfps/%s", fps, tc.name), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(3, uint64(fps)))
				var lat []time.Duration
				open := func() *player.Player {
					from := 0 // the live feed starts at the latest keyframe...
					for i, s := range list {
						if s.Keyframe {
							from = i
						}
					}
					if watched {
						from = 0 // ...or the player has seen it all
					}
					ch := make(chan player.LiveMessage, len(list)+1)
					ch <- player.LiveMessage{Header: proto.Header{Kind: proto.KindInit, Seq: 1}, Payload: c.init}
					for i := from; i < len(list); i++ {
						s := list[i]
						var fl proto.Flags
						if s.Keyframe {
							fl = proto.FlagKeyframe
						}
						ch <- player.LiveMessage{Header: proto.Header{Kind: proto.KindMedia, Flags: fl, Sentinel: id, Seq: s.Sequence,
							Time: s.Start.UnixMicro(), Duration: uint32(s.DurationUS)}, Payload: c.segs[i]}
					}
					p, err := player.New(player.FromChan(ch, func(m player.LiveMessage) player.LiveMessage { return m }),
						e.archive(id, sid), player.Options{Size: player.Size{Width: 960, Height: 540}, Memory: 40 * time.Second})
					if err != nil {
						b.Fatal(err)
					}
					waitFrame(b, p) // live
					return p
				}
				var p *player.Player
				if watched {
					p = open()
				}
				b.ResetTimer()
				for range b.N {
					if !watched {
						b.StopTimer()
						p = open()
						b.StartTimer()
					}
					at := end.Add(-8*time.Second - time.Duration(rng.Int64N(int64(4*time.Second))))
					start := time.Now()
					slack := 2*time.Second + frame/10 // the keyframe at or before at
					if tc.exact {
						p.Seek(at)
						slack = frame + frame/10
					} else {
						p.Replay(at)
					}
					for {
						f := waitFrame(b, p)
						if !f.Time.After(at) && at.Sub(f.Time) <= slack {
							break
						}
					}
					lat = append(lat, time.Since(start))
					if !watched {
						b.StopTimer()
						p.Close()
						b.StartTimer()
					} else {
						p.GoLive()
					}
				}
				b.StopTimer()
				if watched {
					p.Close()
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[(len(lat)*95)/100].Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			})
		}
	}
}
