// Package hub is the live memory buffer of the server: per Sentinel stream
// a ring of the most recent segments, covering at least the memory window
// and always reaching back to the latest keyframe, read by any number of
// watchers through their own cursors.
//
// The ring holds the exact binary messages the server received (header and
// payload), which are immutable once published, so a watcher's writer
// writes the shared bytes and nothing is copied per watcher. A watcher that
// falls behind the ring is moved to the newest keyframe and told which
// segments it missed; the publisher and the other watchers never wait for
// it: the stream lock is only held to move a cursor, never during I/O, and
// watchers are woken by non-blocking sends on their own wake channel.
package hub
