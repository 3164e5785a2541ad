package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
)

// loadStream opens a stream directory: it reads every chunk's index into
// memory and cuts what does not verify. In each chunk, index records are
// checked in order (own checksum, contiguous offsets, payload within the
// log file, increasing sequence); the first failure ends the chunk: the
// index and the log are truncated to the last good record. Then the
// payloads of the stream's last cfg.VerifyTail bytes, whichever chunks
// hold them, are checked against their CRC32-C (see verifyTail), unless
// the last Store closed cleanly. Appends continue after the last good
// record.
func loadStream(dir, sentinel, session string, cfg *Config, usage *atomic.Int64, log *slog.Logger, verify bool) (*stream, error) {
	st := &stream{
		session: session, sentinel: sentinel, dir: dir, cfg: cfg, usage: usage,
		log: log, inits: map[uint64]int64{},
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", st.name(), err)
	}
	var bases []int64
	for _, de := range des {
		name := de.Name()
		if b, ok := parseHex(name, "", logExt); ok {
			bases = append(bases, int64(b))
		} else if b, ok := parseHex(name, "", idxExt); ok {
			bases = append(bases, int64(b))
		} else if g, ok := parseHex(name, initPfx, initExt); ok {
			if fi, err := de.Info(); err == nil {
				st.inits[g] = fi.Size()
			}
		} else if strings.HasSuffix(name, tmpExt) {
			os.Remove(filepath.Join(dir, name)) // an init write cut short
		} else {
			log.Warn("unknown file in stream directory", "stream", st.name(), "file", name)
		}
	}
	slices.Sort(bases)
	bases = slices.Compact(bases)
	for _, base := range bases {
		if base < 0 || base < st.end {
			log.Warn("dropping overlapping chunk", "stream", st.name(), "base", base)
			(&chunk{base: base}).remove(dir)
			continue
		}
		c, err := st.loadChunk(base)
		if err != nil {
			st.closeChunks()
			return nil, fmt.Errorf("%s: chunk %x: %w", st.name(), base, err)
		}
		if c != nil {
			st.chunks = append(st.chunks, c)
			st.end = c.base + c.size
		}
	}
	if verify {
		if err := st.verifyTail(); err != nil {
			st.closeChunks()
			return nil, fmt.Errorf("%s: %w", st.name(), err)
		}
	}
	usage.Add(st.bytes())
	return st, nil
}

func (st *stream) closeChunks() {
	for _, c := range st.chunks {
		c.close()
	}
}

// loadChunk verifies one chunk, cuts its bad tail and appends its records
// to st.entries. It returns nil if nothing of the chunk survives.
func (st *stream) loadChunk(base int64) (*chunk, error) {
	c := &chunk{base: base, first: len(st.entries)}
	idxPath, logPath := c.path(st.dir, idxExt), c.path(st.dir, logExt)
	raw, err := os.ReadFile(idxPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var logSize int64
	if fi, err := os.Stat(logPath); err == nil {
		logSize = fi.Size()
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	recs := make([]Record, 0, len(raw)/recordSize)
	off := base
	for b := raw; len(b) >= recordSize; b = b[recordSize:] {
		r, ok := decodeRecord(b)
		if !ok || r.Offset != off || r.Offset+r.Size > base+logSize || !st.follows(recs, r.Seq) {
			break
		}
		recs = append(recs, r)
		off += r.Size
	}
	var goodLog int64
	for _, r := range recs {
		goodLog += r.Size
	}
	if len(recs) == 0 {
		if len(raw) > 0 || logSize > 0 {
			st.log.Warn("dropping chunk without a valid record", "stream", st.name(), "base", base,
				"index_bytes", len(raw), "log_bytes", logSize)
		}
		_, err := c.remove(st.dir)
		return nil, err
	}
	if idxLen := int64(len(recs)) * recordSize; int64(len(raw)) != idxLen || logSize != goodLog {
		st.log.Warn("cut torn tail", "stream", st.name(), "base", base, "kept", len(recs),
			"dropped_records", (int64(len(raw))-idxLen)/recordSize, "dropped_bytes", logSize-goodLog)
		if err := truncateSync(idxPath, idxLen, st.cfg.Sync != SyncNever); err != nil {
			return nil, err
		}
		if err := truncateSync(logPath, goodLog, st.cfg.Sync != SyncNever); err != nil {
			return nil, err
		}
	}
	for _, r := range recs {
		var prev *entry
		if n := len(st.entries); n > 0 {
			prev = &st.entries[n-1]
		}
		st.entries = append(st.entries, nextEntry(prev, r))
	}
	c.n, c.size = len(recs), goodLog
	return c, nil
}

// follows reports whether seq may come after the records loaded so far.
func (st *stream) follows(recs []Record, seq uint64) bool {
	if n := len(recs); n > 0 {
		return seq > recs[n-1].Seq
	}
	if n := len(st.entries); n > 0 {
		return seq > st.entries[n-1].Seq
	}
	return true
}

func truncateSync(path string, size int64, sync bool) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if err == nil && sync {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
