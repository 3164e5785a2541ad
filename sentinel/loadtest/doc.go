// Package loadtest drives a server with many replayed Sentinels and many
// watchers and reports what arrived: segments sent, delivered, skipped and
// lost, join time, relay latency percentiles, throughput, and the CPU and
// memory of the server and of the load tool itself.
//
// The tool encodes one test clip once (sentinel.EncodeClip) and replays
// it for every Sentinel with fresh timing: each fragment's tfdt and mfhd
// are rewritten (sentinel/fragment) and the header carries the wall-clock
// time of the send, so the tool costs little next to the server it loads.
// Watchers subscribe through client.Watcher exactly as the desktop app.
package loadtest
