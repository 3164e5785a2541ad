package sentinel

import (
	"fmt"
	"time"
)

// CueKind names what a Cue makes a Sentinel do.
type CueKind string

// Cue kinds. They let a demo or a test make the events a proctor watches
// for happen on a schedule, with a real Sentinel.
const (
	// CueFreeze holds the picture: every frame repeats the last one taken
	// before the cue (frame-number pattern included, as a hung camera or
	// capture would), while segments keep coming at the usual rate.
	CueFreeze CueKind = "freeze"
	// CueAway makes the person leave the webcam scene (they walk out and
	// come back after the cue); other sources ignore it.
	CueAway CueKind = "away"
	// CueOffline is carried out by whoever owns the network: the Sentinel
	// only reports it through Config.OnCue and keeps capturing, as a
	// candidate's machine does while its network is down.
	CueOffline CueKind = "offline"
)

// Cue is one scheduled event: it is on from At after the first frame for
// For, and again every Every after that when Every > 0.
type Cue struct {
	Kind  CueKind
	At    time.Duration
	For   time.Duration
	Every time.Duration
}

func (c Cue) String() string {
	if c.Every > 0 {
		return fmt.Sprintf("%s at %v for %v every %v", c.Kind, c.At, c.For, c.Every)
	}
	return fmt.Sprintf("%s at %v for %v", c.Kind, c.At, c.For)
}

// validate checks one cue's kind and times.
func (c Cue) validate() error {
	switch c.Kind {
	case CueFreeze, CueAway, CueOffline:
	default:
		return fmt.Errorf("%w: cue kind %q (freeze, away or offline)", ErrConfig, c.Kind)
	}
	if c.At < 0 || c.For <= 0 || c.Every < 0 || (c.Every > 0 && c.Every <= c.For) {
		return fmt.Errorf("%w: cue %v (at >= 0, for > 0, every 0 or longer than for)", ErrConfig, c)
	}
	return nil
}

// active says whether the cue is on at d after the first frame.
func (c Cue) active(d time.Duration) bool {
	if d < c.At {
		return false
	}
	d -= c.At
	if c.Every > 0 {
		d %= c.Every
	}
	return d < c.For
}

// cueState is what the cues ask of the frame about to be taken.
type cueState struct{ freeze, away bool }

// applyCues updates which cues are on at elapsed after the first frame,
// logs and reports each change through OnCue, and returns what they ask.
func (s *Sentinel) applyCues(elapsed time.Duration) cueState {
	var st cueState
	for i, c := range s.cfg.Cues {
		on := c.active(elapsed)
		if on != s.cueOn[i] {
			s.cueOn[i] = on
			s.log.Info("cue", "cue", string(c.Kind), "on", on, "elapsed", elapsed.Round(time.Millisecond))
			s.count(func(st *Stats) { st.Cues++ })
			if s.cfg.OnCue != nil {
				s.cfg.OnCue(c, on)
			}
		}
		if on {
			switch c.Kind {
			case CueFreeze:
				st.freeze = true
			case CueAway:
				st.away = true
			}
		}
	}
	if a, ok := s.src.(interface{ setAway(bool) }); ok {
		a.setAway(st.away)
	}
	return st
}
