package ui

import (
	"context"
	"fmt"
	"time"
)

// load fetches the markers and the recorded ranges.
func (r *ReviewScreen) load() {
	s := r.session
	r.run(func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		markers, err := r.archive.Markers(ctx, s.ID)
		return func() {
			if err != nil {
				r.Status.SetText("Markers not loaded: " + err.Error())
				return
			}
			r.markers = append(markers, r.markers...)
			r.Timeline.SetMarkers(r.markers)
			r.Markers.Refresh()
			r.showStatus()
		}
	})
	r.loadRanges()
}

// showStatus says which session this is, its state and how many markers
// it has.
func (r *ReviewScreen) showStatus() {
	unit := "markers"
	if len(r.markers) == 1 {
		unit = "marker"
	}
	r.Status.SetText(fmt.Sprintf("%s · %s · %d %s", r.session.ID, r.session.State, len(r.markers), unit))
}

// loadRanges fetches the segment lists and shows the recorded ranges and
// the activity strip of each Sentinel.
func (r *ReviewScreen) loadRanges() {
	s := r.session
	r.run(func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		var ranges []Range
		var acts []*Activity
		var serr error
		for _, id := range s.Sentinels {
			segs, err := r.archive.Segments(ctx, s.ID, id, time.Time{}, time.Time{})
			if err != nil {
				serr = err
				continue
			}
			ranges = append(ranges, RangesOf(segs)...)
			acts = append(acts, NewActivity(id, segs))
		}
		return func() {
			r.Timeline.SetRanges(unionRanges(ranges))
			r.Timeline.SetActivity(acts)
			if r.thumbs != nil {
				r.thumbs.setActivity(acts)
			}
			if serr != nil {
				r.Status.SetText("Segments not loaded: " + serr.Error())
			}
		}
	})
}
