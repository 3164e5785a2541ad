package client

// initSeg is one init segment generation, shared by the segments that
// follow it.
type initSeg struct {
	gen     uint64
	payload []byte
}

// entry is one media segment held by a Publisher until the server is known
// to have it.
type entry struct {
	seq     uint64
	time    int64 // unix microseconds
	dur     uint32
	key     bool
	payload []byte
	init    *initSeg // the init the segment follows
	sent    bool     // written to the current connection
}

// backlog holds a Publisher's segments, oldest first: the ones sent on the
// current connection (kept in case the server did not store them before a
// cut) and the ones not sent yet. It is bounded by bytes. Sent segments are
// trimmed first; then whole GOPs of unsent segments, oldest first, and those
// drops are counted. It is not safe for concurrent use: the Publisher's
// mutex guards it.
type backlog struct {
	limit int64
	items []*entry
	bytes int64
	pos   int // index of the first unsent entry
	// dropUntilKey is set when the GOP being produced lost its keyframe:
	// its remaining segments cannot be decoded and are dropped on arrival.
	dropUntilKey bool
}

// dropped counts segments and bytes removed without ever being sent.
type dropped struct {
	n     int64
	bytes int64
}

func (d *dropped) add(e *entry) {
	d.n++
	d.bytes += int64(len(e.payload))
}

// push appends e and trims the backlog to its limit.
func (b *backlog) push(e *entry) dropped {
	var d dropped
	if e.key {
		b.dropUntilKey = false
	} else if b.dropUntilKey {
		d.add(e)
		return d
	}
	b.items = append(b.items, e)
	b.bytes += int64(len(e.payload))
	b.trim(&d)
	return d
}

func (b *backlog) trim(d *dropped) {
	// Segments already sent go first: they are only kept for a resume.
	n := 0
	for n < b.pos && b.bytes > b.limit {
		b.bytes -= int64(len(b.items[n].payload))
		n++
	}
	b.removeFront(n)
	for b.bytes > b.limit && b.pos < len(b.items) {
		// Drop the oldest unsent GOP: up to the next keyframe after pos.
		end := b.pos + 1
		for end < len(b.items) && !b.items[end].key {
			end++
		}
		if end == len(b.items) {
			// The GOP being produced: what follows it is useless too.
			b.dropUntilKey = true
		}
		for _, e := range b.items[b.pos:end] {
			d.add(e)
			b.bytes -= int64(len(e.payload))
		}
		b.items = append(b.items[:b.pos], b.items[end:]...)
		clear(b.items[len(b.items) : len(b.items)+end-b.pos])
	}
}

// removeFront drops the first n entries.
func (b *backlog) removeFront(n int) {
	if n == 0 {
		return
	}
	clear(b.items[:n])
	b.items = b.items[n:]
	b.pos -= n
}

// next returns the first unsent entry, or nil.
func (b *backlog) next() *entry {
	if b.pos < len(b.items) {
		return b.items[b.pos]
	}
	return nil
}

// take marks the first unsent entry as sent and returns it.
func (b *backlog) take() *entry {
	e := b.next()
	if e != nil {
		e.sent = true
		b.pos++
	}
	return e
}

// resume drops the entries the server has (seq < next) and marks the rest
// unsent. It returns how many of those had been sent before.
func (b *backlog) resume(next uint64) (resend int64) {
	n := 0
	for n < len(b.items) && b.items[n].seq < next {
		b.bytes -= int64(len(b.items[n].payload))
		n++
	}
	b.removeFront(n)
	for _, e := range b.items {
		if e.sent {
			resend++
			e.sent = false
		}
	}
	b.pos = 0
	return resend
}

// rebase adds off to every sequence number (the first welcome fixes where
// numbering starts).
func (b *backlog) rebase(off uint64) {
	for _, e := range b.items {
		e.seq += off
	}
}

// unsent returns the count of entries not sent yet.
func (b *backlog) unsent() int { return len(b.items) - b.pos }
