package ingest

import (
	"errors"
	"log/slog"
	"syscall"

	"proctor/proto"
)

// transient reports whether a store error is expected to pass: the disk
// is full, or an I/O error that a later write may not meet. Such an error
// must not end a session: the Sentinel keeps the segment in its backlog
// and resends it. (When the store classifies these itself as
// store.ErrUnavailable, matching that here is enough.)
func transient(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EIO)
}

// storeFailed turns a failed store write into the error the Sentinel gets:
// unavailable (retry: reconnect and resume from welcome.next) for a
// transient error, counted and logged at most once a second per Sentinel;
// internal, which truncates the session, for anything else.
func (s *Core) storeFailed(p *Publication, what string, seq uint64, err error) *proto.Error {
	if transient(err) {
		s.Metrics.StoreErrors.Add(1)
		s.Limit.Log(p.log, slog.LevelWarn, "store/"+p.media.id, "store unavailable: the sentinel will retry",
			"what", what, "seq", seq, "err", err)
		return proto.NewError(proto.CodeUnavailable, "cannot store %s %d now: retry", what, seq)
	}
	p.log.Error("store "+what, "seq", seq, "err", err)
	return proto.NewError(proto.CodeInternal, "cannot store %s %d", what, seq)
}
