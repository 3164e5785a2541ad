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

// Recovery never deletes a byte of a chunk. Open rebuilds what it can
// (a lost or damaged index from the log's frame headers), skips what is
// damaged and continues at the next valid record, and sets aside in the
// quarantine (see quarantine.go) every byte it cannot serve: so one flipped
// bit costs one segment, not the rest of a 64 MiB chunk.

// loading is one chunk while Open recovers it.
type loading struct {
	base    int64
	framed  bool // a version 2 chunk: frame headers in the log
	kind    bool // framed is decided (a valid record was found)
	recs    []Record
	logSize int64
	idx     []byte // the index file as found; nil if it was missing
	// changed: recovery found damage, so the index is rewritten to list
	// recs and the log bytes no record covers are set aside.
	changed bool
}

// loadStream opens a stream directory: it reads every chunk's index into
// memory, repairs what does not verify (parseChunk), checks the payloads
// of the stream's last cfg.VerifyTail bytes if verify (the last Store did
// not close cleanly; see verifyTail), then sets aside what is left
// unserved (finishChunk). Appends continue after the last good record.
func loadStream(dir, sentinel, session string, cfg *Config, usage *atomic.Int64, log *slog.Logger, q *quarantine, files *fileCache, verify bool) (*stream, error) {
	st := &stream{
		session: session, sentinel: sentinel, dir: dir, cfg: cfg, usage: usage,
		log: log, quar: q, files: files, inits: map[uint64]int64{},
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
			os.Remove(filepath.Join(dir, name)) // an init write cut short, never acknowledged
		} else {
			log.Warn("unknown file in stream directory", "stream", st.name(), "file", name)
		}
	}
	slices.Sort(bases)
	bases = slices.Compact(bases)
	var lcs []*loading
	var end int64 // end of the last record kept so far
	var last uint64
	have := false
	for _, base := range bases {
		if base < 0 { // a name beyond any offset: not a chunk of this stream
			c := &chunk{base: base}
			err := errors.Join(q.move(st, c.path(dir, logExt), "chunk name out of range"),
				q.move(st, c.path(dir, idxExt), "chunk name out of range"))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", st.name(), err)
			}
			continue
		}
		lc, err := st.parseChunk(base, end, last, have)
		if err != nil {
			return nil, fmt.Errorf("%s: chunk %x: %w", st.name(), base, err)
		}
		if n := len(lc.recs); n > 0 {
			end, last, have = lc.recs[n-1].Offset+lc.recs[n-1].Size, lc.recs[n-1].Seq, true
		}
		lcs = append(lcs, lc)
	}
	if verify {
		if err := st.verifyTail(lcs); err != nil {
			return nil, fmt.Errorf("%s: %w", st.name(), err)
		}
	}
	for _, lc := range lcs {
		c, err := st.finishChunk(lc)
		if err != nil {
			return nil, fmt.Errorf("%s: chunk %x: %w", st.name(), lc.base, err)
		}
		if c == nil {
			continue
		}
		c.first = len(st.entries)
		for _, r := range lc.recs {
			var prev *entry
			if n := len(st.entries); n > 0 {
				prev = &st.entries[n-1]
			}
			st.entries = append(st.entries, nextEntry(prev, r))
		}
		st.chunks = append(st.chunks, c)
		st.end = c.base + c.size
	}
	usage.Add(st.bytes())
	return st, nil
}

// parseChunk reads one chunk's index and keeps, in order, every record
// that decodes, lies within the log after the previous record (and after
// end, where the previous chunk's records stop: chunks may not overlap)
// and continues the sequence (after last, if have). A damaged index record
// is skipped, not the end of the chunk. If anything is wrong (a damaged or
// torn record, a missing index, log bytes after the last record) and the
// chunk is of version 2, the log is read and the frames found where no
// kept record is are merged in: this rebuilds a lost index, and recovers
// segments whose payload was written but whose index record was not.
func (st *stream) parseChunk(base, end int64, last uint64, have bool) (*loading, error) {
	lc := &loading{base: base}
	c := &chunk{base: base}
	idxPath, logPath := c.path(st.dir, idxExt), c.path(st.dir, logExt)
	raw, err := os.ReadFile(idxPath)
	switch {
	case err == nil:
		lc.idx = append([]byte{}, raw...)
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	if fi, err := os.Stat(logPath); err == nil {
		lc.logSize = fi.Size()
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	from := max(base, end)
	last0, have0 := last, have
	lastEnd, bad := from, 0
	for b := raw; len(b) >= recordSize; b = b[recordSize:] {
		r, v, ok := decodeRecord(b)
		if ok && lc.kind && (v == recordV2) != lc.framed {
			ok = false // a chunk holds records of one version
		}
		if ok {
			ok = frameStart(r, v == recordV2) >= lastEnd && r.Offset+r.Size <= base+lc.logSize && (!have || r.Seq > last)
		}
		if !ok {
			bad++
			continue
		}
		if !lc.kind {
			lc.kind, lc.framed = true, v == recordV2
		}
		lc.recs = append(lc.recs, r)
		lastEnd, last, have = r.Offset+r.Size, r.Seq, true
	}
	torn := len(raw)%recordSize != 0
	tail := base + lc.logSize - lastEnd
	lc.changed = bad > 0 || torn || tail > 0 || (lc.idx == nil && lc.logSize > 0) || len(lc.recs) == 0
	if !lc.changed && lc.framed {
		ok, err := headersMatch(logPath, base, lc.recs[0], lc.recs[len(lc.recs)-1])
		if err != nil {
			return nil, err
		}
		lc.changed = !ok // the log is not the one the index describes (renamed, shifted)
	}
	if !lc.changed {
		return lc, nil
	}
	indexed := len(lc.recs)
	if (!lc.kind || lc.framed) && lc.logSize > 0 {
		data, err := os.ReadFile(logPath)
		if err != nil {
			return nil, err
		}
		lc.recs = slices.DeleteFunc(lc.recs, func(r Record) bool { return !inLog(data, base, r) })
		indexed = len(lc.recs)
		lc.recs = fillGaps(data, base, from, lc.recs, last0, have0)
		if !lc.kind && len(lc.recs) > 0 {
			lc.kind, lc.framed = true, true
		}
	}
	if lc.idx != nil || lc.logSize > 0 {
		st.log.Warn("damaged chunk: repairing", "stream", st.name(), "base", base,
			"index_missing", lc.idx == nil, "bad_index_records", bad, "torn_index", torn,
			"unindexed_log_bytes", tail, "indexed", indexed, "rebuilt_from_log", len(lc.recs)-indexed)
	}
	return lc, nil
}

// finishChunk completes the recovery of a damaged chunk: the log bytes no
// record covers are set aside (copied; a trailing run of them is then cut,
// so appends continue after the last record), the index is rewritten to
// list exactly the kept records (the old one set aside), and a chunk with
// no record left is moved to the quarantine whole. It returns the chunk,
// or nil if nothing of it is served.
func (st *stream) finishChunk(lc *loading) (*chunk, error) {
	c := &chunk{base: lc.base, framed: lc.framed, n: len(lc.recs), size: lc.logSize}
	if !lc.changed {
		return c, nil
	}
	idxPath, logPath := c.path(st.dir, idxExt), c.path(st.dir, logExt)
	if len(lc.recs) == 0 {
		err := errors.Join(st.quar.move(st, logPath, "no valid record"), st.quar.move(st, idxPath, "no valid record"))
		return nil, err
	}
	sync := st.cfg.Sync != SyncNever
	var pos int64 // file position of the first byte not known to be covered
	for _, r := range lc.recs {
		fs := frameStart(r, lc.framed) - lc.base
		if err := st.quar.copyRange(st, logPath, pos, fs-pos, "damaged or unindexed log bytes"); err != nil {
			return nil, err
		}
		pos = r.Offset + r.Size - lc.base
	}
	if err := st.quar.copyRange(st, logPath, pos, lc.logSize-pos, "torn log tail"); err != nil {
		return nil, err
	}
	idx := make([]byte, len(lc.recs)*recordSize)
	for i, r := range lc.recs {
		if lc.framed {
			encodeRecord(idx[i*recordSize:], r)
		} else {
			encodeRecordV1(idx[i*recordSize:], r)
		}
	}
	if lc.idx == nil || string(idx) != string(lc.idx) {
		if err := st.quar.copyBytes(st, idxPath, 0, lc.idx, "index replaced"); err != nil {
			return nil, err
		}
		tmp := idxPath + tmpExt
		err := writeFile(tmp, idx, sync)
		if err == nil {
			err = os.Rename(tmp, idxPath)
		}
		if err == nil && sync {
			err = syncDir(st.dir)
		}
		if err != nil {
			os.Remove(tmp)
			return nil, fmt.Errorf("rewrite index: %w", err)
		}
	}
	if pos < lc.logSize {
		if err := truncateSync(logPath, pos, sync); err != nil {
			return nil, fmt.Errorf("cut torn tail: %w", err)
		}
		c.size = pos
	}
	return c, nil
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
