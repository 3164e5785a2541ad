package ui

import (
	"sort"
	"strings"

	"proctor/proto"
)

// Roster is the app's list of live Sentinels, kept from the watch events.
// It is plain data, used on the Fyne goroutine only.
type Roster struct {
	byID map[string]proto.SentinelInfo
}

// NewRoster returns an empty roster.
func NewRoster() *Roster { return &Roster{byID: map[string]proto.SentinelInfo{}} }

// Apply folds one watch event into the roster and reports whether
// anything shown changed. *proto.Sentinels replaces the list; *proto.SentinelEvent adds or
// updates one Sentinel, and removes it when its session is over.
func (r *Roster) Apply(ev any) bool {
	switch e := ev.(type) {
	case *proto.Sentinels:
		r.byID = make(map[string]proto.SentinelInfo, len(e.Sentinels))
		for _, s := range e.Sentinels {
			r.byID[s.ID] = s
		}
		return true
	case *proto.SentinelEvent:
		if proto.SessionFinal(e.SessionState) {
			_, had := r.byID[e.ID]
			delete(r.byID, e.ID)
			return had
		}
		old, had := r.byID[e.ID]
		r.byID[e.ID] = e.SentinelInfo
		return !had || !sameShown(old, e.SentinelInfo)
	}
	return false
}

// sameShown reports whether two snapshots of a Sentinel look the same in
// the sidebar and on its tile: stats-only events (bitrate, last sequence)
// then cost no redraw.
func sameShown(a, b proto.SentinelInfo) bool {
	if a.State != b.State || a.Session != b.Session || a.Source != b.Source || a.SessionState != b.SessionState || len(a.Details) != len(b.Details) {
		return false
	}
	for k, v := range a.Details {
		if b.Details[k] != v {
			return false
		}
	}
	return true
}

// Get returns one Sentinel.
func (r *Roster) Get(id string) (proto.SentinelInfo, bool) {
	s, ok := r.byID[id]
	return s, ok
}

// Len is the number of Sentinels.
func (r *Roster) Len() int { return len(r.byID) }

// List returns the Sentinels matching filter, ordered by session, then
// webcam before screen, then id, so a session's tiles sit side by side.
// Names compare naturally: exam-2 before exam-10.
func (r *Roster) List(filter string) []proto.SentinelInfo {
	out := make([]proto.SentinelInfo, 0, len(r.byID))
	for _, s := range r.byID {
		if Matches(s, filter) {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Session != b.Session {
			return naturalLess(a.Session, b.Session)
		}
		if sa, sb := sourceRank(a.Source), sourceRank(b.Source); sa != sb {
			return sa < sb
		}
		return naturalLess(a.ID, b.ID)
	})
	return out
}

// Group is the Sentinels of one session and their counts by state.
type Group struct {
	Session                string
	Sentinels              []proto.SentinelInfo
	Live, Stalled, Offline int
}

// Groups returns List(filter) grouped by session.
func (r *Roster) Groups(filter string) []Group {
	var gs []Group
	for _, s := range r.List(filter) {
		if len(gs) == 0 || gs[len(gs)-1].Session != s.Session {
			gs = append(gs, Group{Session: s.Session})
		}
		g := &gs[len(gs)-1]
		g.Sentinels = append(g.Sentinels, s)
		switch s.State {
		case proto.SentinelLive:
			g.Live++
		case proto.SentinelStalled:
			g.Stalled++
		default:
			g.Offline++
		}
	}
	return gs
}

// Counts returns how many Sentinels are live, stalled and offline.
func (r *Roster) Counts() (live, stalled, offline int) {
	for _, s := range r.byID {
		switch s.State {
		case proto.SentinelLive:
			live++
		case proto.SentinelStalled:
			stalled++
		default:
			offline++
		}
	}
	return
}

// Session returns the Sentinels of one session, in List order.
func (r *Roster) Session(sid string) []proto.SentinelInfo {
	var out []proto.SentinelInfo
	for _, s := range r.List("") {
		if s.Session == sid {
			out = append(out, s)
		}
	}
	return out
}

// Matches reports whether a Sentinel matches the search text: every word
// must appear (case-insensitive) in its id, session, source or details.
func Matches(s proto.SentinelInfo, filter string) bool {
	words := strings.Fields(strings.ToLower(filter))
	if len(words) == 0 {
		return true
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(s.ID + " " + s.Session + " " + s.Source))
	for k, v := range s.Details {
		b.WriteString(" " + strings.ToLower(k+"="+v))
	}
	hay := b.String()
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

func sourceRank(src string) int {
	switch src {
	case proto.SourceWebcam:
		return 0
	case proto.SourceScreen:
		return 1
	}
	return 2
}

// displayName is the name shown for a Sentinel: a "name" detail when the
// session has one, else the id.
func displayName(s proto.SentinelInfo) string {
	if n := s.Details["name"]; n != "" {
		return n
	}
	return s.ID
}

// caption is the small text beside the name on a tile: the source, and the
// id when the name is a person's (a session's webcam and screen share it).
func caption(s proto.SentinelInfo) string {
	if s.Details["name"] != "" {
		return s.ID + " · " + s.Source
	}
	return s.Source
}
