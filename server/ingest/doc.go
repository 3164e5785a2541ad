// Package ingest publishes Sentinels' segments, whatever their protocol:
// Core and Publication take a connection's hello and binary messages,
// start or continue its session (server/meta), store every segment
// (server/store) before it relays it through the live registry
// (server/live). Server is the /v1/ingest WebSocket endpoint over it; the
// seed endpoint (server/seed) publishes through the same Core.
package ingest
