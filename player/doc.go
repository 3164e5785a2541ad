// Package player turns one Sentinel's H.264 fMP4 stream, live from the
// server or historical over HTTP, into RGBA frames at the size a tile
// needs, at the moment they are due. It has no Fyne in it.
//
// # Pipeline
//
// A Player owns one engine goroutine that demuxes segments (proto.ParseInit
// and proto.ParseMedia, built on go-mp4), feeds every trun sample as an
// AVCC packet to a single-threaded go-astiav H.264 decoder, and scales each
// picture to the requested Size into a pooled *image.RGBA: libyuv resizes a
// 4:2:0 picture in 4:2:0 with its box filter (an area average, a proper
// low-pass) and converts it to RGBA at the output size, 1.1x (same size)
// to 2.3x (720p to a 480x270 tile) cheaper than swscale. Built with the
// nolibyuv tag, or for odd sizes and other formats, swscale does it (a
// 4:2:0 picture at least twice the size first halved with a 2x2 box
// filter, as FFmpeg 5.1's one-pass path to RGBA is slow). Decoded frames
// wait in a short queue; the UI takes the newest due frame at display rate
// with Take. In steady state the player's per-frame work allocates nothing
// (a few lines of its own cgo send the padded packets and scale into the
// image; proto.ParseMedia reads track fragments by hand).
//
// # Sources
//
// A LiveFeed delivers the live messages of one watch subscription (init,
// the buffered GOP, then live segments; Skipped when the server moved the
// watcher forward). An Archive fetches the segment list, init segments and
// media segments over HTTP. A Player may have either or both: with both,
// live and history form one timeline. Seeking back from live reads the
// in-memory buffer of recent live segments while it covers the time, then
// the Archive (with prefetch ahead of the play head and an LRU cache of
// recent segments); GoLive returns to the leading edge.
//
// A seek decodes from the keyframe at or before the target and shows the
// picture at or before it; pictures before it are decoded, not scaled,
// and those nothing refers to (nal_ref_idc 0, such as non-reference
// B-pictures) are not decoded at all. A seek forward within reach (no
// keyframe between the picture being decoded and the target, pictures in
// presentation order as the Sentinel encodes) continues from where
// decoding is instead of starting at the keyframe. While paused, the last
// pictures decoded are kept, so a step back among them needs no decoding.
//
// History playback that cannot keep up with its speed (16x of a 30 fps
// stream is more than one thread decodes) goes on at the keyframe at the
// play position whenever the clock has passed one, instead of falling
// further and further behind (trick play).
//
// # Time
//
// Positions on the timeline are wall-clock capture times: the segment
// header's Time plus the sample's presentation offset. Frame.Time carries
// it. Pacing uses an injectable Clock, so tests never sleep.
//
// # Frame ownership
//
// The *image.RGBA of a Frame returned by Take belongs to the player. It
// stays valid and is not written until two later frames have been taken
// (so the frame on screen and the one before it, which a renderer may
// still be reading, are both safe). Callers must not modify it.
//
// # Errors
//
// A corrupt or truncated segment, a missing segment or an HTTP failure is
// logged, counted in Stats and reported in Stats.LastError; the engine
// skips to the next keyframe and continues. Nothing panics.
package player
