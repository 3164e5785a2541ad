package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// verifyTail checks the payload checksums of the records in the last
// cfg.VerifyTail bytes of the stream (all of it if -1), across chunk
// boundaries: with the interval policy a chunk that filled up just before
// a power loss may not have reached the disk either. A record that fails
// is dropped from its chunk (finishChunk then sets its bytes aside and
// cuts them if nothing valid follows); the records after it are checked
// and kept on their own merits. Caller owns st (Open).
func (st *stream) verifyTail(lcs []*loading) error {
	if st.cfg.VerifyTail == 0 {
		return nil
	}
	var end int64
	for _, lc := range lcs {
		if n := len(lc.recs); n > 0 {
			end = lc.recs[n-1].Offset + lc.recs[n-1].Size
		}
	}
	from := end - st.cfg.VerifyTail
	if st.cfg.VerifyTail < 0 {
		from = -1
	}
	var buf []byte
	for _, lc := range lcs {
		n := len(lc.recs)
		if n == 0 || lc.recs[n-1].Offset+lc.recs[n-1].Size <= from {
			continue
		}
		f, err := os.Open((&chunk{base: lc.base}).path(st.dir, logExt))
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		kept := lc.recs[:0:0]
		for _, r := range lc.recs {
			if r.Offset+r.Size <= from {
				kept = append(kept, r)
				continue
			}
			buf = slices.Grow(buf[:0], int(r.Size))[:r.Size]
			_, err := f.ReadAt(buf, r.Offset-lc.base)
			if err != nil && !errors.Is(err, io.EOF) {
				f.Close()
				return fmt.Errorf("verify segment %d: %w", r.Seq, err)
			}
			if err != nil || checksum(buf) != r.Checksum {
				st.log.Warn("payload checksum mismatch: segment set aside", "stream", st.name(), "seq", r.Seq,
					"base", lc.base, "offset", r.Offset)
				lc.changed = true
				continue
			}
			kept = append(kept, r)
		}
		f.Close()
		lc.recs = kept
	}
	return nil
}
