// Package seed serves the seed-compatible endpoint (seed 004):
// ws://HOST/{CHANNEL}/{KEY}/{KIND} with raw fMP4 bytes in binary messages.
// A publisher is framed into what a Sentinel would send and published
// through server/ingest; receivers and probes follow the live registry.
package seed
