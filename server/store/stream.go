package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
)

// stream is one (session, sentinel) stream: its chunks, its index in memory
// and its init generations. Append runs from one goroutine at a time; reads
// run concurrently under the read lock.
type stream struct {
	session, sentinel string
	dir               string
	cfg               *Config
	usage             *atomic.Int64 // the Store's total bytes on disk
	log               *slog.Logger
	quar              *quarantine
	files             *fileCache // the Store's read handles

	dirty atomic.Bool // written since the last sync

	mu      sync.RWMutex
	entries []entry          // every stored segment, by sequence
	chunks  []*chunk         // by base; entries are split among them in order
	end     int64            // logical end of the log (bytes ever appended)
	inits   map[uint64]int64 // stored init generations and their sizes
	// pending holds the files of chunks that rotation closed for writing
	// but the interval policy has not fsynced yet; the next sync does,
	// then closes them. dirDirty: a chunk file was created since.
	pending  []*os.File
	dirDirty bool
	removed  bool  // retention deleted the stream; a new one takes its place
	failed   error // a write could not be undone; appends refused until reopened
	buf      [recordSize]byte
}

func (st *stream) name() string { return st.sentinel + "/" + st.session }

func (st *stream) last() *chunk {
	if len(st.chunks) == 0 {
		return nil
	}
	return st.chunks[len(st.chunks)-1]
}

// append stores one segment; see Store.Append.
func (st *stream) append(rec Record, payload []byte) (Record, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.removed {
		return Record{}, errRemoved
	}
	if st.failed != nil && !st.redo() {
		return Record{}, st.failed
	}
	n := len(st.entries)
	if n > 0 && rec.Seq <= st.entries[n-1].Seq {
		return Record{}, fmt.Errorf("%w: %s: segment %d after %d", ErrSequence, st.name(), rec.Seq, st.entries[n-1].Seq)
	}
	size := int64(len(payload))
	c := st.last()
	var err error
	switch {
	case c == nil || !c.framed || (c.size > 0 && c.size+frameSize+size > st.cfg.ChunkSize):
		c, err = st.rotate()
	case c.w == nil:
		err = c.openWrite(st.dir, st.cfg.WrapWriter)
	}
	if err != nil {
		return Record{}, fmt.Errorf("%s: %w", st.name(), err)
	}
	rec.Offset, rec.Size, rec.Checksum = st.end+frameSize, size, checksum(payload)
	encodeRecord(st.buf[:], rec)
	// The frame (the record as a header, then the payload) first, then
	// the same record in the index: a tail torn anywhere in between fails
	// a checksum or a length check on Open, and a whole frame without its
	// index record is recovered from the log.
	if err := c.write(st.buf[:], payload); err != nil {
		return Record{}, st.undo(c, fmt.Errorf("%s: write log: %w", st.name(), err))
	}
	if _, err := c.iw.Write(st.buf[:]); err != nil {
		return Record{}, st.undo(c, fmt.Errorf("%s: write index: %w", st.name(), err))
	}
	if st.cfg.Sync == SyncAlways {
		if err := c.syncWrite(st.cfg.Observe.Sync); err != nil {
			return Record{}, st.undo(c, fmt.Errorf("%s: %w", st.name(), err))
		}
	} else {
		st.dirty.Store(true)
	}
	var prev *entry
	if n > 0 {
		prev = &st.entries[n-1]
	}
	st.entries = append(st.entries, nextEntry(prev, rec))
	c.n++
	c.size += frameSize + size
	st.end += frameSize + size
	st.usage.Add(frameSize + size + recordSize)
	return rec, nil
}

// undo cuts a failed append's partial bytes so the stream stays consistent
// and the next append (of the same segment, typically) goes where this one
// should have. If even that fails, the stream refuses appends with the
// error (still ErrUnavailable if its cause was transient) until a later
// attempt at the cut succeeds (redo), or the Store is reopened (Open then
// repairs the tail).
func (st *stream) undo(c *chunk, err error) error {
	if e := c.cut(); e != nil {
		st.failed = fmt.Errorf("%w (undo failed: %v)", err, e)
		st.log.Error("stream write failed and could not be undone", "stream", st.name(), "err", st.failed)
		return st.failed
	}
	return err
}

// redo retries the cut of a failed append; it reports whether appends may
// go on. Caller holds st.mu.
func (st *stream) redo() bool {
	c := st.last()
	if c == nil || c.w == nil || c.cut() != nil {
		return false
	}
	st.log.Info("failed write undone", "stream", st.name())
	st.failed = nil
	return true
}

// rotate closes the last chunk for writing and starts a new one at the end
// of the log. With the interval policy the full chunk's files are left to
// the next background sync (see pending) instead of being fsynced here, so
// the appending goroutine never waits for 64 MiB to reach the disk. Caller
// holds st.mu.
func (st *stream) rotate() (*chunk, error) {
	if c := st.last(); c != nil && c.w != nil {
		if st.cfg.Sync == SyncInterval {
			st.pending = append(st.pending, c.w, c.idx)
			c.w, c.idx = nil, nil
		} else if err := c.closeWrite(); err != nil { // SyncAlways: already synced
			return nil, fmt.Errorf("finish chunk: %w", err)
		}
	}
	c := &chunk{base: st.end, first: len(st.entries), framed: true}
	if err := c.openWrite(st.dir, st.cfg.WrapWriter); err != nil {
		return nil, err
	}
	switch st.cfg.Sync {
	case SyncAlways:
		if err := syncDir(st.dir); err != nil {
			c.close()
			return nil, fmt.Errorf("sync directory: %w", err)
		}
	case SyncInterval:
		st.dirDirty = true
	}
	st.chunks = append(st.chunks, c)
	return c, nil
}

// sync flushes what was appended since the last sync: full chunks still
// pending, the last chunk and the directory. The fsyncs run outside the
// lock, so appends and reads go on meanwhile.
func (st *stream) sync() error {
	if !st.dirty.Swap(false) {
		return nil
	}
	st.mu.Lock()
	files := st.pending
	st.pending = nil
	n := len(files)
	if c := st.last(); c != nil {
		files = append(files, c.w, c.idx)
	}
	dir := st.dirDirty
	st.dirDirty = false
	st.mu.Unlock()
	var err error
	for i, f := range files {
		err = errors.Join(err, observeSync(f, st.cfg.Observe.Sync))
		if i < n {
			err = errors.Join(err, f.Close())
		}
	}
	if dir {
		err = errors.Join(err, syncDir(st.dir))
	}
	if err != nil {
		st.dirty.Store(true)
		return fmt.Errorf("%s: %w", st.name(), err)
	}
	return nil
}

// close syncs (unless SyncNever) and closes every file; the stream is
// unusable afterwards.
func (st *stream) close() error {
	var err error
	if st.cfg.Sync != SyncNever {
		st.dirty.Store(true)
		err = st.sync()
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, c := range st.chunks {
		err = errors.Join(err, c.close())
	}
	st.removed = true
	return err
}

// bytes is the stream's size on disk. Caller holds st.mu.
func (st *stream) bytes() int64 {
	var n int64
	for _, size := range st.inits {
		n += size
	}
	for _, c := range st.chunks {
		n += c.size + int64(c.n)*recordSize
	}
	return n
}

// info summarises the stream.
func (st *stream) info() StreamInfo {
	st.mu.RLock()
	defer st.mu.RUnlock()
	in := StreamInfo{
		Session: st.session, Sentinel: st.sentinel, Segments: len(st.entries),
		Generations: st.generationsLocked(), Bytes: st.bytes(),
	}
	if n := len(st.entries); n > 0 {
		in.FirstSeq, in.LastSeq = st.entries[0].Seq, st.entries[n-1].Seq
		in.Start, in.End = st.entries[0].Time, st.entries[n-1].maxEnd
	}
	return in
}
