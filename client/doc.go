// Package client is the Go client of the Proctor server, used by the
// reference Sentinel, the desktop app, the player and the tests.
//
//   - A Publisher is one Sentinel's ingest connection (/v1/ingest). It
//     numbers segments, keeps a bounded backlog while disconnected,
//     reconnects with backoff and resumes where the server says (welcome.next),
//     so nothing is stored twice and nothing is skipped silently.
//   - A Watcher is one live connection (/v1/watch) shared by many
//     subscriptions. It reconnects and resumes every subscription after the
//     last segment it delivered; a slow consumer never blocks the others, it
//     skips to the next keyframe and is told so.
//   - A History is the HTTP client of the recorded sessions, segments and
//     exports.
//
// Every goroutine the package starts is owned by a Run call (Publisher,
// Watcher) and has ended when Run returns.
package client
