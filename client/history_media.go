package client

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"proctor/proto"
)

// Segments lists the stored segments of Sentinel id in session sid that
// overlap [from, to]; zero times do not bound. The server answers in
// pages (GET .../segments?cursor=); Segments follows them and returns the
// whole list, so callers (the player, the review screen) need not page.
func (h *History) Segments(ctx context.Context, sid, id string, from, to time.Time) ([]proto.Segment, error) {
	p, err := streamPath(sid, id)
	if err != nil {
		return nil, err
	}
	q := rangeValues(from, to)
	var all []proto.Segment
	seen := map[string]bool{}
	for {
		var v proto.SegmentList
		if err := h.getJSON(ctx, p+"/segments", q, &v); err != nil {
			return nil, err
		}
		if all == nil {
			all = v.Segments
		} else {
			all = append(all, v.Segments...)
		}
		if v.NextCursor == "" {
			return all, nil
		}
		if seen[v.NextCursor] || len(v.Segments) == 0 {
			return nil, fmt.Errorf("segment list: the server repeats cursor %q", v.NextCursor)
		}
		seen[v.NextCursor] = true
		q.Set("cursor", v.NextCursor)
	}
}

// Init returns the init segment of generation gen (0: the latest).
func (h *History) Init(ctx context.Context, sid, id string, gen uint64) ([]byte, error) {
	p, err := streamPath(sid, id)
	if err != nil {
		return nil, err
	}
	var q url.Values
	if gen > 0 {
		q = url.Values{"generation": {strconv.FormatUint(gen, 10)}}
	}
	return h.getBytes(ctx, p+"/init.mp4", q)
}

// Segment returns the fMP4 bytes of media segment seq.
func (h *History) Segment(ctx context.Context, sid, id string, seq uint64) ([]byte, error) {
	p, err := streamPath(sid, id)
	if err != nil {
		return nil, err
	}
	return h.getBytes(ctx, p+"/segments/"+strconv.FormatUint(seq, 10), nil)
}

// Export streams [from, to] of Sentinel id in session sid as one playable
// fMP4 file (media.mp4) to w. progress, when not nil, is called as bytes
// arrive with the total from Content-Length (0 when unknown). Cancel it
// through ctx.
func (h *History) Export(ctx context.Context, sid, id string, from, to time.Time, w io.Writer, progress func(done, total int64)) error {
	p, err := streamPath(sid, id)
	if err != nil {
		return err
	}
	resp, err := h.do(ctx, "GET", p+"/media.mp4", rangeValues(from, to), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	total := max(resp.ContentLength, 0)
	if progress != nil {
		progress(0, total)
		w = &progressWriter{w: w, total: total, fn: progress}
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return fmt.Errorf("export %s/%s after %d bytes: %w", sid, id, n, err)
	}
	if total > 0 && n != total {
		return fmt.Errorf("export %s/%s: %d of %d bytes: %w", sid, id, n, total, io.ErrUnexpectedEOF)
	}
	return nil
}

// progressWriter reports the bytes written through it.
type progressWriter struct {
	w     io.Writer
	done  int64
	total int64
	fn    func(done, total int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	p.fn(p.done, p.total)
	return n, err
}

// Stream is the history of one (session, Sentinel) stream; its methods
// match player.Archive.
type Stream struct {
	h       *History
	sid, id string
}

// Stream binds h to session sid and Sentinel id.
func (h *History) Stream(sid, id string) *Stream { return &Stream{h: h, sid: sid, id: id} }

// Segments lists the stream's segments overlapping [from, to].
func (s *Stream) Segments(ctx context.Context, from, to time.Time) ([]proto.Segment, error) {
	return s.h.Segments(ctx, s.sid, s.id, from, to)
}

// Init returns the init segment of generation gen (0: the latest).
func (s *Stream) Init(ctx context.Context, gen uint64) ([]byte, error) {
	return s.h.Init(ctx, s.sid, s.id, gen)
}

// Segment returns media segment seq.
func (s *Stream) Segment(ctx context.Context, seq uint64) ([]byte, error) {
	return s.h.Segment(ctx, s.sid, s.id, seq)
}
