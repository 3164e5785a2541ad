package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"proctor/server/auth"
	"proctor/server/store"
)

// mediaPlan is what one media.mp4 holds: segments of one init generation.
type mediaPlan struct {
	gen   uint64
	recs  []store.Record
	size  int64  // bytes of the segments
	cut   uint64 // the first sequence left out by a generation change
	isCut bool
}

// planSegments picks the segments of media.mp4 from recs (in sequence
// order): from sequence start on, beginning at a keyframe, stopping before
// the first segment of another init generation. After a gap in the
// sequence numbers (segments never received) it resumes at the next
// keyframe, since the segments after the gap may refer to lost pictures.
func planSegments(recs []store.Record, start uint64) mediaPlan {
	var p mediaPlan
	var prev uint64
	for _, rec := range recs {
		if rec.Seq < start {
			continue
		}
		if len(p.recs) == 0 {
			if !rec.Keyframe() {
				continue
			}
			p.gen = rec.Generation
		} else {
			if rec.Generation != p.gen {
				p.cut, p.isCut = rec.Seq, true
				break
			}
			if rec.Seq != prev+1 && !rec.Keyframe() {
				continue // prev stays, so the rest of the gap is skipped too
			}
		}
		p.recs = append(p.recs, rec)
		p.size += rec.Size
		prev = rec.Seq
	}
	return p
}

// media answers GET .../media.mp4?from=&to= with one fragmented MP4: the
// init segment, then the segments from the keyframe at or before from to
// the last one starting at or before to, streamed from the store with
// their moof numbers rewritten (fragmentWriter). from and to are
// optional (the whole stream). Content-Length is exact, so a transfer
// that fails half way is a short file, never a silently wrong one.
func (a *API) media(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	sid, id, err := streamIDs(r)
	if err != nil {
		return err
	}
	from, to, err := parseRange(r.URL.Query())
	if err != nil {
		return err
	}
	start, startT := uint64(0), micros(from)
	if startT != 0 {
		k, err := a.Store.KeyframeAtOrBefore(sid, id, startT)
		switch {
		case err == nil:
			start, startT = k.Seq, k.Time
		case !errors.Is(err, store.ErrNotFound): // from before the first keyframe: go on
			return err
		}
	}
	recs, err := a.Store.Segments(sid, id, startT, micros(to))
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no sentinel %s in session %s", id, sid)
	}
	if err != nil {
		return err
	}
	p := planSegments(recs, start)
	if len(p.recs) == 0 {
		return notFound("no segment starting with a keyframe in that range of sentinel %s in session %s", id, sid)
	}
	init, err := a.Store.Init(sid, id, p.gen)
	if err != nil {
		return err
	}
	first, last := p.recs[0], p.recs[len(p.recs)-1]
	h := w.Header()
	h.Set("Content-Type", "video/mp4")
	h.Set("Content-Length", strconv.FormatInt(int64(len(init))+p.size, 10))
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%s-%d.mp4"`, id, sid, first.Seq))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Proctor-Generation", strconv.FormatUint(p.gen, 10))
	h.Set("X-Proctor-Sequences", fmt.Sprintf("%d-%d", first.Seq, last.Seq))
	h.Set("X-Proctor-Start", time.UnixMicro(first.Time).UTC().Format(time.RFC3339Nano))
	h.Set("X-Proctor-End", time.UnixMicro(last.End()).UTC().Format(time.RFC3339Nano))
	if p.isCut {
		h.Set("X-Proctor-Truncated", strconv.FormatUint(p.cut, 10))
	}
	if r.Method == http.MethodHead {
		return nil
	}
	fw := newFragmentWriter(w)
	defer fw.release()
	err = fw.write(init)
	for i := 0; err == nil && i < len(p.recs); i++ {
		rec := p.recs[i]
		rd, rerr := a.Store.Reader(sid, id, rec)
		if rerr != nil {
			err = fmt.Errorf("segment %d: %w", rec.Seq, rerr)
			break
		}
		if err = fw.copySegment(rd, rec.Size); err != nil {
			err = fmt.Errorf("segment %d: %w", rec.Seq, err)
		}
	}
	switch {
	case err == nil:
	case fw.werr != nil:
		a.Log.Debug("media.mp4 client gone", "session", sid, "sentinel", id, "written", fw.written, "err", err)
	default:
		a.Log.Error("media.mp4 cut short", "session", sid, "sentinel", id, "written", fw.written, "err", err)
	}
	return nil
}
