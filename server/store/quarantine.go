package store

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// quarantineDir is where recovery sets aside, under Dir, the bytes it cannot
// serve: damaged records, torn tails, logs without any valid record,
// overlapping chunks and the indexes it replaced. Recovery never deletes a
// byte of a chunk: an operator (or a better tool) may still get something
// out of them. Files keep the stream's path (sentinel/session) and say
// where they came from in their names; Usage does not count them.
const quarantineDir = "quarantine"

// quarantine moves and copies damaged bytes aside and counts them.
type quarantine struct {
	root string // Dir/quarantine
	sync bool   // fsync what is set aside before the original changes
	log  *slog.Logger

	files atomic.Int64 // files set aside since Open
	bytes atomic.Int64 // their bytes
}

func (q *quarantine) dir(st *stream) string { return filepath.Join(q.root, st.sentinel, st.session) }

// copyBytes stores b, which was read at file offset pos of the stream's
// file src, as its own file in the quarantine. The name is derived from
// where the bytes came from, so a recovery interrupted and run again does
// not set the same bytes aside twice.
func (q *quarantine) copyBytes(st *stream, src string, pos int64, b []byte, why string) error {
	if len(b) == 0 {
		return nil
	}
	dir := q.dir(st)
	name := fmt.Sprintf("%s@%x+%x-%08x", filepath.Base(src), pos, len(b), checksum(b))
	path := filepath.Join(dir, name)
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(len(b)) {
		return nil // set aside by an earlier, interrupted recovery
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	tmp := path + tmpExt
	err := writeFile(tmp, b, q.sync)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil && q.sync {
		err = syncDir(dir)
	}
	if err != nil {
		os.Remove(tmp) // our own partial copy, never the original
		return fmt.Errorf("quarantine %s: %w", name, err)
	}
	q.count(st, name, int64(len(b)), why)
	return nil
}

// copyRange reads [pos, pos+n) of src and sets it aside (copyBytes).
func (q *quarantine) copyRange(st *stream, src string, pos, n int64, why string) error {
	if n <= 0 {
		return nil
	}
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, pos); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("quarantine: read %s: %w", filepath.Base(src), err)
	}
	return q.copyBytes(st, src, pos, b, why)
}

// move renames the stream's file src into the quarantine, whole. An empty
// file holds nothing worth keeping and is removed instead.
func (q *quarantine) move(st *stream, src, why string) error {
	fi, err := os.Stat(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	if fi.Size() == 0 {
		return os.Remove(src)
	}
	dir := q.dir(st)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	name := filepath.Base(src)
	path := filepath.Join(dir, name)
	for i := 1; ; i++ { // never replace what an earlier recovery set aside
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		path = filepath.Join(dir, name+"."+strconv.Itoa(i))
	}
	if err := os.Rename(src, path); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	if q.sync {
		if err := errors.Join(syncDir(dir), syncDir(filepath.Dir(src))); err != nil {
			return fmt.Errorf("quarantine: %w", err)
		}
	}
	q.count(st, filepath.Base(path), fi.Size(), why)
	return nil
}

func (q *quarantine) count(st *stream, name string, n int64, why string) {
	q.files.Add(1)
	q.bytes.Add(n)
	q.log.Warn("bytes set aside in quarantine", "stream", st.name(), "file", name, "bytes", n, "reason", why)
}
