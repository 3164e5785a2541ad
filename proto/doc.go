// Package proto is the wire contract of Proctor in Go: the binary media
// header, the JSON control messages, the JSON bodies of the HTTP API, id
// validation, and the fMP4 checks that every received segment goes through.
//
// It does no I/O and imports nothing else of the project, so the server, the
// client, the Sentinel and the player all agree on one definition. The
// normative description is docs/protocol.md.
package proto
