// Package hub is the live memory buffer of the server: per Sentinel stream
// a ring of the most recent segments, covering at least the memory window
// and reaching back to the latest keyframe, read by any number of watchers
// through their own cursors.
//
// The ring's bytes have a hard bound (Config.MaxBytes), so a Sentinel with
// a very long, infinite or intra-refresh GOP cannot exhaust memory: past
// it the oldest segments go even if that drops the latest keyframe.
// Cursors reading newer segments go on; a cursor joining a ring without a
// keyframe waits for the next one; Publish tells the publisher's side, at
// most once per Config.KeyframeRequestEvery, to ask the Sentinel for one
// (already when the GOP reaches half the bound, so it usually comes before
// anything is lost).
//
// The ring holds the exact binary messages the server received (header and
// payload), which are immutable once published, so a watcher's writer
// writes the shared bytes and nothing is copied per watcher. A watcher that
// falls behind the ring is moved to the newest keyframe and told which
// segments it missed; the publisher and the other watchers never wait for
// it: Publish holds the stream lock only to append and to wake cursors with
// a non-blocking send on each watcher's wake channel (capacity 1), cursors
// read under the read lock (or none at all when caught up), and no lock is
// held during I/O.
//
// Lifetime: a publisher Holds its stream; when its session ends the stream
// is marked End-ed and stays a window long, so watchers catching up or
// resuming with a sequence still get its tail; Sweep then drops streams
// nobody publishes or reads.
package hub
