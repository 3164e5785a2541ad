package testmedia

import (
	"errors"
	"testing"
	"time"

	"proctor/proto"
)

// Clip is a fragmented MP4 stream cut as a Sentinel sends it.
type Clip struct {
	Init     []byte // ftyp+moov
	Info     proto.InitInfo
	Segments []Segment
}

// Segment is one moof+mdat unit with what proto.ParseMedia found in it.
type Segment struct {
	Payload  []byte
	Media    proto.MediaInfo
	Keyframe bool          // the first sample is a sync sample
	Start    time.Duration // decode time of the first sample (tfdt)
	Duration time.Duration
	Samples  int
}

// Split cuts stream with proto.Reassembler into its init segment and
// media segments, checking each with proto.ParseInit and ParseMedia. It
// fails the test unless there is exactly one init segment, first, and at
// least one media segment.
func Split(t testing.TB, stream []byte) *Clip {
	t.Helper()
	c := &Clip{}
	var re proto.Reassembler
	err := re.Feed(stream, func(k proto.Kind, u []byte) error {
		if k == proto.KindInit {
			if c.Init != nil {
				return errors.New("a second init segment")
			}
			info, err := proto.ParseInit(u)
			c.Init, c.Info = u[:len(u):len(u)], info // appending copies
			return err
		}
		if c.Init == nil {
			return errors.New("media before the init segment")
		}
		m, err := proto.ParseMedia(u, &c.Info, nil)
		if err != nil {
			return err
		}
		ts := time.Duration(c.Info.Timescale)
		c.Segments = append(c.Segments, Segment{Payload: u[:len(u):len(u)], Media: m, Keyframe: m.Keyframe,
			Start:    time.Duration(m.BaseTime) * time.Second / ts,
			Duration: time.Duration(m.Duration) * time.Second / ts, Samples: len(m.Samples)})
		return nil
	})
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	if c.Init == nil || len(c.Segments) == 0 {
		t.Fatalf("split: %d init bytes and %d segments", len(c.Init), len(c.Segments))
	}
	return c
}
