package ui

import (
	"container/list"
	"context"
	"image"
	"time"

	"proctor/proto"
)

// Thumbnailer is what an Archive may also implement to give the review
// timeline its hover pictures: the keyframe of one recorded segment,
// decoded at width pixels wide. app's backend does it with
// client.History (init and segment) and player.Thumbnail.
type Thumbnailer interface {
	Thumbnail(ctx context.Context, sid, id string, seg proto.Segment, width int) (*image.RGBA, error)
}

// thumbCacheSize is how many decoded pictures the cache keeps: a few
// screens of hovering back and forth at about 57 KB each.
const thumbCacheSize = 128

// thumbs fetches and caches the hover pictures of one review screen. The
// pointer moves faster than pictures decode, so at most one fetch runs at
// a time and only the latest hover waits behind it; a hover whose
// keyframes are all cached is answered at once. Use it on the Fyne
// goroutine; the fetch runs through the screen's runner.
type thumbs struct {
	src      Thumbnailer
	run      runner
	sid      string
	show     func(at time.Time, imgs []*image.RGBA)
	acts     []*Activity
	cache    map[thumbKey]*list.Element
	lru      *list.List // of thumbEntry, most recent first
	busy     bool
	pending  time.Time // the hover waiting for the fetch in flight
	hovering bool
}

type thumbKey struct {
	id  string
	seq uint64
}

type thumbEntry struct {
	key thumbKey
	img *image.RGBA
}

func newThumbs(src Thumbnailer, run runner, sid string, show func(time.Time, []*image.RGBA)) *thumbs {
	return &thumbs{src: src, run: run, sid: sid, show: show, cache: map[thumbKey]*list.Element{}, lru: list.New()}
}

// setActivity gives the keyframe index (the Activity of each Sentinel).
func (c *thumbs) setActivity(acts []*Activity) { c.acts = acts }

// hover asks for the pictures at t; the zero time ends the hover.
func (c *thumbs) hover(t time.Time) {
	c.hovering = !t.IsZero()
	if !c.hovering || len(c.acts) == 0 {
		return
	}
	segs, at := c.keyframes(t)
	if imgs, ok := c.cached(segs); ok {
		c.show(at, imgs)
		return
	}
	if c.busy {
		c.pending = t
		return
	}
	c.fetch(segs, at)
}

// keyframes are the keyframe segments on screen at t, one per Sentinel
// (a zero Segment for one without keyframes), and the time of the first.
func (c *thumbs) keyframes(t time.Time) ([]proto.Segment, time.Time) {
	segs := make([]proto.Segment, len(c.acts))
	var at time.Time
	for i, a := range c.acts {
		if g, ok := a.KeyframeAt(t); ok {
			segs[i] = g
			if at.IsZero() {
				at = g.Start
			}
		}
	}
	return segs, at
}

func (c *thumbs) cached(segs []proto.Segment) ([]*image.RGBA, bool) {
	imgs := make([]*image.RGBA, len(segs))
	for i, g := range segs {
		if g.Start.IsZero() {
			continue
		}
		e, ok := c.cache[thumbKey{c.acts[i].Sentinel, g.Sequence}]
		if !ok {
			return nil, false
		}
		c.lru.MoveToFront(e)
		imgs[i] = e.Value.(thumbEntry).img
	}
	return imgs, true
}

// fetch decodes the pictures not cached in the background, then shows
// them (if the pointer is still there) and runs the hover that waited.
func (c *thumbs) fetch(segs []proto.Segment, at time.Time) {
	c.busy = true
	type job struct {
		key thumbKey
		seg proto.Segment
	}
	var jobs []job
	for i, g := range segs {
		k := thumbKey{c.acts[i].Sentinel, g.Sequence}
		if _, ok := c.cache[k]; !ok && !g.Start.IsZero() {
			jobs = append(jobs, job{k, g})
		}
	}
	c.run(func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		got := make([]*image.RGBA, len(jobs))
		for i, j := range jobs {
			// A picture that fails stays nil and is cached as such: a
			// hover over a damaged segment does not fetch it again.
			got[i], _ = c.src.Thumbnail(ctx, c.sid, j.key.id, j.seg, thumbWidth)
		}
		return func() {
			c.busy = false
			for i, j := range jobs {
				c.put(j.key, got[i])
			}
			if imgs, ok := c.cached(segs); ok && c.hovering {
				c.show(at, imgs)
			}
			if p := c.pending; !p.IsZero() {
				c.pending = time.Time{}
				if c.hovering {
					c.hover(p)
				}
			}
		}
	})
}

func (c *thumbs) put(k thumbKey, img *image.RGBA) {
	if e, ok := c.cache[k]; ok {
		c.lru.MoveToFront(e)
		return
	}
	c.cache[k] = c.lru.PushFront(thumbEntry{k, img})
	for c.lru.Len() > thumbCacheSize {
		old := c.lru.Remove(c.lru.Back()).(thumbEntry)
		delete(c.cache, old.key)
	}
}
