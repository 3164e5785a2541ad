package store

import (
	"errors"
	"fmt"
	"io"
	"slices"
)

// verifyTail checks the payload checksums of the segments in the last
// cfg.VerifyTail bytes of the stream (all of it if -1), across chunk
// boundaries: with the interval policy a chunk that filled up just before
// a power loss may not have reached the disk either. The first segment
// that fails is cut with everything after it. Caller owns st (Open).
func (st *stream) verifyTail() error {
	n := len(st.entries)
	if n == 0 || st.cfg.VerifyTail == 0 {
		return nil
	}
	i := 0
	if st.cfg.VerifyTail > 0 {
		from := st.end - st.cfg.VerifyTail
		i = n
		for i > 0 && st.entries[i-1].Offset+st.entries[i-1].Size > from {
			i--
		}
	}
	var buf []byte
	for ; i < n; i++ {
		e := &st.entries[i]
		c := st.chunkOf(i)
		f, err := c.reader(st.dir)
		if err != nil {
			return err
		}
		buf = slices.Grow(buf[:0], int(e.Size))[:e.Size]
		_, err = f.ReadAt(buf, e.Offset-c.base)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("verify segment %d: %w", e.Seq, err)
		}
		if err != nil || checksum(buf) != e.Checksum {
			st.log.Warn("payload checksum mismatch: cutting the tail", "stream", st.name(), "seq", e.Seq,
				"dropped_segments", n-i)
			return st.cutAt(i)
		}
	}
	return nil
}

// chunkOf returns the chunk holding entry i.
func (st *stream) chunkOf(i int) *chunk {
	k, _ := slices.BinarySearchFunc(st.chunks, i, func(c *chunk, i int) int {
		switch {
		case i < c.first:
			return 1
		case i >= c.first+c.n:
			return -1
		}
		return 0
	})
	return st.chunks[k]
}

// cutAt drops entry i and every later one: the chunk holding it is
// truncated before it (removed if nothing is left), later chunks removed.
func (st *stream) cutAt(i int) error {
	k := slices.Index(st.chunks, st.chunkOf(i))
	for _, c := range st.chunks[k+1:] {
		if _, err := c.remove(st.dir); err != nil {
			return err
		}
	}
	c := st.chunks[k]
	st.chunks = st.chunks[:k+1]
	keep := i - c.first
	c.close()
	if keep == 0 {
		if _, err := c.remove(st.dir); err != nil {
			return err
		}
		st.chunks = st.chunks[:k]
	} else {
		size := st.entries[i].Offset - c.base
		sync := st.cfg.Sync != SyncNever
		if err := truncateSync(c.path(st.dir, idxExt), int64(keep)*recordSize, sync); err != nil {
			return err
		}
		if err := truncateSync(c.path(st.dir, logExt), size, sync); err != nil {
			return err
		}
		c.n, c.size = keep, size
	}
	st.entries = st.entries[:i]
	st.end = 0
	if c := st.last(); c != nil {
		st.end = c.base + c.size
	}
	return nil
}
