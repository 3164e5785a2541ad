package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// File names in a stream directory. A chunk is a pair of files named by the
// logical offset of its first log byte, so offsets never change when
// retention drops older chunks.
const (
	logExt  = ".log"
	idxExt  = ".idx"
	initPfx = "init-"
	initExt = ".mp4"
	tmpExt  = ".tmp"
)

func chunkName(base int64, ext string) string { return fmt.Sprintf("%016x%s", base, ext) }

func initName(gen uint64) string { return fmt.Sprintf("%s%016x%s", initPfx, gen, initExt) }

// parseHex parses the 16 hex digits of a chunk or init file name.
func parseHex(name, prefix, ext string) (uint64, bool) {
	s, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ext)
	if !ok || len(s) != 16 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 64)
	return v, err == nil
}

// chunk is one log file and its index file. Its records are
// stream.entries[first : first+n].
type chunk struct {
	base  int64 // logical offset of the first log byte
	first int   // index of the first record in stream.entries
	n     int   // records
	size  int64 // log bytes
	// framed: a version 2 chunk, each payload preceded by its frame header.
	// Appends go to framed chunks only (a version 1 chunk loaded last is
	// followed by a new one).
	framed bool

	// w and idx are the log and index files open for appending while the
	// chunk is the stream's last (and has been written since Open); nil
	// otherwise. lw and iw are what appends write through: the files
	// themselves or Config.WrapWriter's wrappers; rc is w's raw connection
	// for writev, nil when lw is wrapped. Guarded by the stream's lock.
	w, idx *os.File
	lw, iw io.Writer
	rc     syscall.RawConn

	// dropped: retention deleted the chunk's files; reads fail. Guarded by
	// the Store's fileCache lock.
	dropped bool
}

func (c *chunk) path(dir, ext string) string { return filepath.Join(dir, chunkName(c.base, ext)) }

// openWrite opens (creating if needed) the chunk's files for appending,
// through wrap if set.
func (c *chunk) openWrite(dir string, wrap func(string, io.Writer) io.Writer) error {
	w, err := os.OpenFile(c.path(dir, logExt), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	idx, err := os.OpenFile(c.path(dir, idxExt), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		w.Close()
		return fmt.Errorf("open index: %w", err)
	}
	c.w, c.idx, c.lw, c.iw, c.rc = w, idx, w, idx, nil
	if wrap != nil {
		c.lw, c.iw = wrap(w.Name(), w), wrap(idx.Name(), idx)
	} else if haveWritev {
		if c.rc, err = w.SyscallConn(); err != nil {
			w.Close()
			idx.Close()
			return fmt.Errorf("open log: %w", err)
		}
	}
	return nil
}

// write appends a frame header and its payload to the log.
func (c *chunk) write(hdr, payload []byte) error {
	if c.rc != nil {
		return writeFrame(c.rc, hdr, payload)
	}
	if _, err := c.lw.Write(hdr); err != nil {
		return err
	}
	_, err := c.lw.Write(payload)
	return err
}

// syncWrite flushes the files open for appending to stable storage.
func (c *chunk) syncWrite(obs func(time.Duration)) error {
	return errors.Join(observeSync(c.w, obs), observeSync(c.idx, obs))
}

// cut truncates the files open for appending back to the chunk's last
// record, removing what a failed append left.
func (c *chunk) cut() error {
	return errors.Join(c.w.Truncate(c.size), c.idx.Truncate(int64(c.n)*recordSize))
}

// observeSync is syncFile, timed for obs if set.
func observeSync(f *os.File, obs func(time.Duration)) error {
	if obs == nil || f == nil {
		return syncFile(f)
	}
	start := time.Now()
	err := syncFile(f)
	obs(time.Since(start))
	return err
}

// closeWrite ends the chunk's time as the stream's last.
func (c *chunk) closeWrite() error {
	var err error
	if c.w != nil {
		err = c.w.Close()
	}
	if c.idx != nil {
		err = errors.Join(err, c.idx.Close())
	}
	c.w, c.idx, c.lw, c.iw, c.rc = nil, nil, nil, nil, nil
	return err
}

// close closes the chunk's files open for writing; read handles are the
// file cache's.
func (c *chunk) close() error { return c.closeWrite() }

// remove closes and deletes the chunk's files, then drops its read handle
// from fc (after the delete, so no read can open the file again); it
// returns the bytes freed.
func (c *chunk) remove(dir string, fc *fileCache) (int64, error) {
	c.close()
	freed := c.size + int64(c.n)*recordSize
	err := os.Remove(c.path(dir, logExt))
	if e := os.Remove(c.path(dir, idxExt)); err == nil && !os.IsNotExist(e) {
		err = e
	}
	if os.IsNotExist(err) {
		err = nil
	}
	fc.drop(c)
	return freed, err
}

// syncDir makes a directory's entries (created, renamed or removed files)
// durable.
// syncFile fsyncs f; a nil or already closed file (a chunk that rotation or
// retention closed after syncing it) is not an error.
func syncFile(f *os.File) error {
	if f == nil {
		return nil
	}
	if err := fdatasync(f); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("sync %s: %w", filepath.Base(f.Name()), err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if e := d.Close(); err == nil {
		err = e
	}
	return err
}
