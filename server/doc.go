// Package server is Proctor's headless relay: it takes fMP4 segments from
// Sentinels over /v1/ingest, stores each one (server/store) before it
// relays it through the live hub (server/hub) to the proctors watching on
// /v1/watch, keeps sessions in SQLite (server/meta), serves history over
// HTTP (server/httpapi), and exposes /healthz and /metrics.
//
// One Server owns every goroutine it starts: Serve returns only after a
// graceful shutdown has told the Sentinels, ended the watchers, flushed
// the store and closed the database.
package server
