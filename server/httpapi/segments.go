package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/store"
)

// Cache-Control of raw media. A segment or a numbered init generation
// never changes under its URL; init.mp4 without a generation follows the
// latest one, so clients revalidate it (the ETag makes that cheap).
const (
	cacheImmutable  = "private, max-age=31536000, immutable"
	cacheRevalidate = "private, no-cache"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Pages of the segment list: a stream can hold hundreds of thousands of
// segments (8 h at 30 a second is 864,000), so the list comes in pages
// like the session list. An entry is about 200 bytes of JSON.
const (
	DefaultSegmentLimit = 1000
	MaxSegmentLimit     = 10000
)

// segmentList answers GET .../segments?from=&to=&limit=&cursor= with a
// page of the stored segments overlapping [from, to] (both optional, RFC
// 3339), in sequence order: at most limit (default DefaultSegmentLimit,
// at most MaxSegmentLimit), and a next_cursor when more follow. The
// cursor is opaque to clients; it is the next sequence to list, so a page
// costs a binary search whatever the stream's length, and segments that
// retention removes between pages are simply not listed. A Sentinel that
// is attached to the session but has stored nothing yet gets an empty
// list.
func (a *API) segmentList(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	sid, id, err := streamIDs(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, to, err := parseRange(q)
	if err != nil {
		return err
	}
	limit, err := parseUint(q.Get("limit"), "limit", DefaultSegmentLimit)
	if err != nil || limit < 1 || limit > MaxSegmentLimit {
		return badRequest("limit must be 1-%d", MaxSegmentLimit)
	}
	next, err := parseUint(q.Get("cursor"), "cursor", 0)
	if err != nil {
		return badRequest("bad cursor: pass next_cursor of the previous page as it is")
	}
	recs, more, err := a.Store.SegmentsPage(sid, id, micros(from), micros(to), next, int(limit))
	if errors.Is(err, store.ErrNotFound) {
		if !a.attached(r, sid, id) {
			return notFound("no sentinel %s in session %s", id, sid)
		}
		recs, more, err = nil, false, nil
	}
	if err != nil {
		return err
	}
	list := proto.SegmentList{Sentinel: id, Session: sid, Segments: make([]proto.Segment, len(recs))}
	for i, rec := range recs {
		list.Segments[i] = segmentInfo(rec)
	}
	if more {
		list.NextCursor = strconv.FormatUint(recs[len(recs)-1].Seq+1, 10)
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// attached reports whether the session exists and lists sentinel id.
func (a *API) attached(r *http.Request, sid, id string) bool {
	s, err := a.Meta.Session(r.Context(), sid)
	return err == nil && slices.Contains(s.Sentinels, id)
}

// segmentInfo describes rec for the segment list: duration rounded to
// milliseconds, the exact value in DurationUS.
func segmentInfo(rec store.Record) proto.Segment {
	return proto.Segment{
		Sequence:      rec.Seq,
		Start:         time.UnixMicro(rec.Time).UTC(),
		Duration:      (int64(rec.Duration) + 500) / 1000,
		DurationUS:    rec.Duration,
		Size:          rec.Size,
		Keyframe:      rec.Keyframe(),
		Discontinuity: rec.Flags&proto.FlagDiscontinuity != 0,
		Generation:    rec.Generation,
	}
}

// segment answers GET .../segments/{seq} with the raw payload, with
// ranges, a strong ETag and conditional requests (serveContent).
func (a *API) segment(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	sid, id, err := streamIDs(r)
	if err != nil {
		return err
	}
	seq, err := parseUint(r.PathValue("seq"), "sequence", 0)
	if err != nil {
		return err
	}
	rec, err := a.Store.Segment(sid, id, seq)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no segment %d of sentinel %s in session %s", seq, id, sid)
	}
	if err != nil {
		return err
	}
	rd, err := a.Store.Reader(sid, id, rec)
	if errors.Is(err, store.ErrNotFound) { // removed by retention meanwhile
		return notFound("no segment %d of sentinel %s in session %s", seq, id, sid)
	}
	if err != nil {
		return err
	}
	if err := verifyPayload(rd, rec); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "video/mp4")
	h.Set("ETag", fmt.Sprintf(`"%s-%s-%d-%08x"`, id, sid, rec.Seq, rec.Checksum))
	h.Set("Cache-Control", cacheImmutable)
	h.Set("X-Content-Type-Options", "nosniff")
	serveContent(w, r, rd)
	return nil
}

// verifyBufs are verifyPayload's read buffers: one per request would be
// the request's largest allocation.
var verifyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// verifyPayload checks rd's bytes against rec's checksum before they are
// served under a strong ETag that names it. Recovery reads payloads back
// only after a crash, so bytes damaged at rest since a clean shutdown
// would otherwise go out as the segment. It reads from the page cache and
// leaves rd at its start, so the answer keeps sendfile.
func verifyPayload(rd *io.SectionReader, rec store.Record) error {
	h := crc32.New(castagnoli)
	buf := verifyBufs.Get().(*[]byte)
	defer verifyBufs.Put(buf)
	if _, err := io.CopyBuffer(h, io.NewSectionReader(rd, 0, rd.Size()), *buf); err != nil {
		return fmt.Errorf("read segment %d: %w", rec.Seq, err)
	}
	if h.Sum32() != rec.Checksum {
		return fmt.Errorf("%w: segment %d fails its checksum", store.ErrCorrupt, rec.Seq)
	}
	return nil
}

// initSegment answers GET .../init.mp4?generation=G (default: the latest
// generation) like segment.
func (a *API) initSegment(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	sid, id, err := streamIDs(r)
	if err != nil {
		return err
	}
	g := r.URL.Query().Get("generation")
	gen, err := parseUint(g, "generation", 0)
	if err != nil {
		return err
	}
	if g != "" && gen == 0 {
		return badRequest("generation must be 1 or more")
	}
	cache := cacheImmutable
	if gen == 0 {
		cache = cacheRevalidate
		gens, err := a.Store.Generations(sid, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if len(gens) == 0 {
			return notFound("no init segment of sentinel %s in session %s", id, sid)
		}
		gen = gens[len(gens)-1]
	}
	b, err := a.Store.Init(sid, id, gen)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no init segment generation %d of sentinel %s in session %s", gen, id, sid)
	}
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "video/mp4")
	h.Set("ETag", fmt.Sprintf(`"%s-%s-g%d-%08x"`, id, sid, gen, crc32.Checksum(b, castagnoli)))
	h.Set("Cache-Control", cache)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Proctor-Generation", fmt.Sprint(gen))
	serveContent(w, r, bytes.NewReader(b))
	return nil
}
