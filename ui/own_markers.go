package ui

import (
	"time"

	"proctor/proto"
)

// ownMarkers remembers the markers this app is saving, so that their
// marker events (which every watcher gets, this one too) raise no
// attention cue here: the cue is for markers other proctors add. A marker
// is matched by Sentinel, label and time, since its event may come
// before the answer that carries its id.
type ownMarkers struct {
	pending []proto.Marker
}

// ownMarkerWindow is how long a marker waits for its event.
const ownMarkerWindow = time.Minute

// add records a marker about to be saved.
func (o *ownMarkers) add(m proto.Marker, now time.Time) {
	o.expire(now)
	m.Created = now
	o.pending = append(o.pending, m)
}

// drop forgets a marker whose save failed.
func (o *ownMarkers) drop(m proto.Marker) {
	if i := o.index(m); i >= 0 {
		o.pending = append(o.pending[:i], o.pending[i+1:]...)
	}
}

// take reports whether m is one of ours, and forgets it.
func (o *ownMarkers) take(m proto.Marker, now time.Time) bool {
	o.expire(now)
	i := o.index(m)
	if i >= 0 {
		o.pending = append(o.pending[:i], o.pending[i+1:]...)
	}
	return i >= 0
}

func (o *ownMarkers) index(m proto.Marker) int {
	for i, p := range o.pending {
		d := p.Time.Sub(m.Time)
		if p.Sentinel == m.Sentinel && p.Label == m.Label && d < time.Millisecond && d > -time.Millisecond {
			return i
		}
	}
	return -1
}

func (o *ownMarkers) expire(now time.Time) {
	k := 0
	for _, p := range o.pending {
		if now.Sub(p.Created) < ownMarkerWindow {
			o.pending[k] = p
			k++
		}
	}
	o.pending = o.pending[:k]
}
