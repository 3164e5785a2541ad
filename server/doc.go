// Package server is Proctor's headless relay. It holds the configuration,
// wires the parts together, admits connections (per-address limit,
// credentials), mounts the routes and runs Serve and the graceful
// shutdown. The work is done by sub-packages, imports pointing inward:
//
//   - server/ingest: /v1/ingest, and the publication every protocol
//     shares (Core): sessions in server/meta, each segment stored in
//     server/store before it is relayed.
//   - server/seed: the seed-compatible endpoint (publish, receive, probe),
//     publishing through ingest.Core.
//   - server/watch: /v1/watch, proctors following streams.
//   - server/live: the registry of live Sentinels and watchers the three
//     endpoints use, kept in process over server/hub (live.Local); the
//     Redis bus of a cluster implements the same live.Registry.
//   - server/httpapi: history over HTTP; server/auth, server/metrics.
//
// Each endpoint owns its connections (wsconn.Conns) and its Close ends
// every one of them: shutdown closes the three at once, drains plain HTTP
// beside them, and closes the store and the database once all are done,
// within Config.ShutdownTimeout (sockets still open then are closed).
// One Server owns every goroutine it starts.
package server
