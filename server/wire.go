package server

import (
	"context"
	"time"

	"proctor/server/ingest"
	"proctor/server/seed"
	"proctor/server/watch"
)

// wire builds the publishing core and the three connection endpoints
// over the live registry; each endpoint owns its connections.
func (s *Server) wire() {
	c := s.cfg
	s.core = &ingest.Core{Store: s.store, Meta: s.meta, Live: s.live, Log: s.log, Now: func() time.Time { return s.now() },
		Grace: c.Grace, StallAfter: c.StallAfter, ClockTolerance: c.ClockTolerance, Node: c.Node, Holders: s.meta,
		Metrics: ingest.Metrics{BytesIn: s.m.bytesIn, SegmentsIn: s.m.segmentsIn, Duplicates: s.m.duplicates,
			Gaps: s.m.gaps, Rejected: s.m.rejected, IngestRelay: s.m.ingestRelay, Publishers: s.m.publishers,
			StoreErrors: s.reg.Counter("proctor_store_errors_total",
				"Segments refused with a retryable error because the store could not write them (disk full, I/O error)."),
			ClockSkew: s.reg.Counter("proctor_clock_skew_total",
				"Segments stored at the server's receive time because their wall time was off by more than -clock-tolerance.")}}
	g := gate{s}
	s.ingest = ingest.New(s.core, g, ingest.Config{MaxMessage: c.MaxMessage, HeartbeatTimeout: c.HeartbeatTimeout,
		WriteTimeout: c.WriteTimeout, PingInterval: c.PingInterval, ShutdownTimeout: c.ShutdownTimeout}, s.log)
	s.watch = watch.New(s.live, g, watch.Config{MaxMessage: c.MaxMessage, MaxSubscriptions: c.MaxSubscriptions,
		WriteTimeout: c.WriteTimeout, PingInterval: c.PingInterval},
		watch.Metrics{BytesOut: s.m.bytesOut, MessagesOut: s.m.messagesOut, Skips: s.m.skips,
			WriteFailures: s.m.writeFailures, Rejected: s.m.rejected, Watchers: s.m.watchers}, s.log)
	s.seed = seed.New(s.core, g, seed.Config{MaxMessage: c.MaxMessage, WriteTimeout: c.WriteTimeout, SeedIdle: c.SeedIdle},
		seed.Metrics{Rejected: s.m.rejected, BytesOut: s.m.bytesOut, Receivers: s.m.watchers}, s.log)
}

// maintain runs the core's heartbeat tick and the hub's sweep every
// HeartbeatEvery until ctx is done.
func (s *Server) maintain(ctx context.Context) {
	defer s.bg.Done()
	t := time.NewTicker(s.cfg.HeartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.core.Tick()
			s.hub.Sweep(s.now())
		}
	}
}
