package ingest

import (
	"encoding/binary"
	"log/slog"
	"time"

	"proctor/proto"
)

// DefaultClockTolerance is how far a segment's wall time may be from the
// server's clock before the server dates it itself.
const DefaultClockTolerance = time.Minute

// skewed reports whether h's wall time is further than the tolerance from
// now (a Sentinel's clock that is wrong: a future date would escape age
// retention and be deleted last by size retention); counted and logged
// at most once a second per Sentinel.
func (s *Core) skewed(p *Publication, h proto.Header, now time.Time) bool {
	tol := s.ClockTolerance
	if tol <= 0 {
		tol = DefaultClockTolerance
	}
	off := time.UnixMicro(h.Time).Sub(now)
	if off >= -tol && off <= tol {
		return false
	}
	s.Metrics.ClockSkew.Add(1)
	s.Limit.Log(p.log, slog.LevelWarn, "clock/"+p.media.id, "segment time off the server's clock: stored at the receive time",
		"seq", h.Seq, "offset", off.Round(time.Millisecond))
	return true
}

// setTime writes h.Time into the header of msg, in place.
func setTime(msg []byte, h proto.Header) {
	off := 6 + len(h.Sentinel) + 8 // magic, version, kind, flags, id length, id, sequence
	binary.BigEndian.PutUint64(msg[off:], uint64(h.Time))
}
