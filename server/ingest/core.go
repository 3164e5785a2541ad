package ingest

import (
	"context"
	"log/slog"
	"time"

	"proctor/proto"
	"proctor/server/live"
	"proctor/server/meta"
	"proctor/server/ratelog"
	"proctor/server/store"
)

// Store is what publishing needs of the segment store (*store.Store).
type Store interface {
	PutInit(session, sentinel string, gen uint64, payload []byte) error
	Append(session, sentinel string, rec store.Record, payload []byte) (store.Record, error)
	Init(session, sentinel string, gen uint64) ([]byte, error)
	Generations(session, sentinel string) ([]uint64, error)
	Last(sentinel string) (session string, rec store.Record, ok bool)
}

// Meta is what publishing needs of the session database (*meta.DB).
type Meta interface {
	StartSession(ctx context.Context, id, typ string, details map[string]string, now time.Time) (proto.Session, error)
	ActiveSession(ctx context.Context, sentinel string) (proto.Session, error)
	AttachSentinel(ctx context.Context, sid, sentinel, source string) error
	SetDetails(ctx context.Context, sid string, details map[string]string) error
	SetState(ctx context.Context, sid, state string, now time.Time) error
	Heartbeat(ctx context.Context, sid string, now time.Time, p meta.Progress) error
	Stale(ctx context.Context, before time.Time) ([]string, error)
	EndPart(ctx context.Context, sid, sentinel string) (remaining int, err error)
	Opener(ctx context.Context, sid string) (string, error)
	Session(ctx context.Context, sid string) (proto.Session, error)
}

// Counter is a metric that only goes up (*metrics.Counter).
type Counter interface{ Add(n int64) }

// CodeCounter counts refusals by their proto error code.
type CodeCounter interface{ Inc(code string) }

// Histogram observes a duration since a start time.
type Histogram interface{ Since(start time.Time) }

// Metrics are the counters publishing updates.
type Metrics struct {
	BytesIn, SegmentsIn, Duplicates, Gaps Counter
	// Rejected counts refusals by error code.
	Rejected CodeCounter
	// IngestRelay observes each media segment's time from arrival to its
	// publish into the live registry.
	IngestRelay Histogram
	// StoreErrors counts transient store errors (the Sentinel retries).
	StoreErrors Counter
	// ClockSkew counts segments stored at the receive time because their
	// wall time was off the server's clock by more than the tolerance.
	ClockSkew Counter
	// Publishers counts connected publishers (a gauge: Add(-1) too).
	Publishers Counter
}

// Core is what every publishing connection shares, whatever its protocol:
// the store, the session database, the live registry. The server builds
// one; server/ingest and server/seed publish through it.
type Core struct {
	Store   Store
	Meta    Meta
	Live    live.Registry
	Log     *slog.Logger // with the component
	Now     func() time.Time
	Metrics Metrics
	// Limit rate-limits the log lines a Sentinel can cause per segment.
	Limit ratelog.Limiter
	// Grace, StallAfter: see server.Config.
	Grace, StallAfter time.Duration
	// ClockTolerance is how far a segment's time may be from the server's
	// clock (DefaultClockTolerance when zero).
	ClockTolerance time.Duration
	// Node names this node in a cluster and Holders records that it holds
	// a Sentinel's segments (holder.go); both unset on a single node.
	Node    string
	Holders HolderRecorder
}

// dbctx bounds one database call.
func dbctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

// NewPublication starts the ingest state of a connection; log names it.
func (c *Core) NewPublication(log *slog.Logger) *Publication {
	return &Publication{core: c, log: log}
}

// Init returns the current init generation, its parsed info and its
// payload (zero before any), for a protocol that numbers its own.
func (p *Publication) Init() (uint64, *proto.InitInfo, []byte) {
	return p.media.gen, p.media.init, p.media.initPayload
}

// Session is the session the publication publishes into.
func (p *Publication) Session() string { return p.session }
