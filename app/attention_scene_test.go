//go:build !serveronly

package app

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"proctor/player"
	"proctor/proto"
	"proctor/sentinel"
	"proctor/ui"
)

// sceneRun plays a real Sentinel's clip through a real player as a grid
// tile decodes it (keyframes only, at an 8x8 tile's size) and feeds the
// pictures and segment headers to the attention analysis, as the grid
// does. It returns the events, in order.
func sceneRun(t *testing.T, cfg sentinel.Config, d time.Duration, prefs ui.AttentionPrefs) ([]ui.AttentionEvent, time.Time) {
	t.Helper()
	log, err := mediaLogger("error", io.Discard) // FFmpeg quiet too
	if err != nil {
		t.Fatal(err)
	}
	cfg.Log = log
	frames := int(d.Seconds() * cfg.FPS)
	clip, err := sentinel.EncodeClip(cfg, frames)
	if err != nil {
		t.Fatal(err)
	}
	segs := clip.Segments
	list := make([]proto.Segment, len(segs))
	for i, s := range segs {
		list[i] = proto.Segment{Sequence: uint64(i + 1), Start: s.Time, DurationUS: uint32(s.Duration.Microseconds()),
			Duration: s.Duration.Milliseconds(), Size: int64(len(s.Payload)), Keyframe: s.Keyframe, Generation: 1}
	}
	arch := player.ArchiveFuncs{
		SegmentsFunc: func(ctx context.Context, from, to time.Time) ([]proto.Segment, error) { return list, nil },
		InitFunc:     func(ctx context.Context, gen uint64) ([]byte, error) { return clip.Init, nil },
		SegmentFunc: func(ctx context.Context, seq uint64) ([]byte, error) {
			if seq < 1 || seq > uint64(len(segs)) {
				return nil, player.ErrMissing
			}
			return segs[seq-1].Payload, nil
		},
	}
	p, err := player.New(nil, arch, player.Options{Log: cfg.Log, Size: player.Size{Width: 284, Height: 160},
		KeyframesOnly: true, Paused: true, Start: segs[0].Time})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	a := ui.NewAttention(prefs)
	id := cfg.Name
	a.SetSentinel(id, ui.StateLive, cfg.Kind(), segs[0].Time)
	var events []ui.AttentionEvent
	fed := 0
	last := time.Time{}
	end := segs[len(segs)-1].Time
	for {
		deadline := time.Now().Add(10 * time.Second)
		var f player.Frame
		for {
			var ok bool
			if f, ok = p.Take(); ok && f.Time.After(last) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no picture after %v: %+v", last.Sub(segs[0].Time), p.Stats())
			}
			time.Sleep(200 * time.Microsecond)
		}
		last = f.Time
		for fed < len(segs) && !segs[fed].Time.After(f.Time) {
			s := segs[fed]
			a.Segment(id, ui.SegmentInfo{Time: s.Time, Duration: s.Duration, Size: len(s.Payload), Keyframe: s.Keyframe})
			fed++
		}
		a.Picture(id, f.Image, f.Time)
		events = append(events, a.Tick(f.Time)...)
		if !f.Time.Before(end.Add(-time.Millisecond)) { // sample times are rounded
			return events, segs[0].Time
		}
		p.Step(1)
	}
}

// TestAttentionNeverFlagsTheWebcamScene: ten minutes of the demo's webcam
// scene (a person who moves, leaves the frame and is joined by a second
// one now and then) from a real Sentinel, decoded as a grid tile decodes
// it, raise no attention cue.
func TestAttentionNeverFlagsTheWebcamScene(t *testing.T) {
	cfg := sentinel.Config{Name: "exam-ada-cam", Source: sentinel.SourceTest, Scene: sentinel.SceneWebcam,
		Width: 640, Height: 360, FPS: 5}
	events, _ := sceneRun(t, cfg, 10*time.Minute, ui.DefaultAttentionPrefs)
	for _, ev := range events {
		t.Errorf("flagged: %s", ev.Text())
	}
}

// TestAttentionFlagsAFrozenSentinel: the webcam scene freezes (a hung
// camera: every frame repeats the last) from 60 s to 90 s; it is flagged
// frozen within the threshold plus one segment, and nothing else is.
func TestAttentionFlagsAFrozenSentinel(t *testing.T) {
	cfg := sentinel.Config{Name: "exam-ada-cam", Source: sentinel.SourceTest, Scene: sentinel.SceneWebcam,
		Width: 640, Height: 360, FPS: 5,
		Cues: []sentinel.Cue{{Kind: sentinel.CueFreeze, At: 60 * time.Second, For: 30 * time.Second}}}
	prefs := ui.DefaultAttentionPrefs
	events, start := sceneRun(t, cfg, 100*time.Second, prefs)
	if len(events) != 1 || events[0].Cue != ui.CueFrozen {
		t.Fatalf("events %v, want one frozen", texts(events))
	}
	late := events[0].At.Sub(start.Add(60 * time.Second))
	if late < prefs.FrozenAfter-time.Millisecond || late > prefs.FrozenAfter+sentinel.DefaultGOP { // sample times are rounded
		t.Errorf("flagged %v after the freeze, want within %v + one segment", late, prefs.FrozenAfter)
	}
}

func texts(evs []ui.AttentionEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = fmt.Sprintf("%s (+%v)", ev.Text(), ev.At.Sub(evs[0].At))
	}
	return out
}
