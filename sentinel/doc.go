// Package sentinel is the reference Sentinel: it captures pictures from a
// source (a synthetic test picture, a file, the X11 screen or a V4L2
// camera), encodes them to H.264 with libx264 through go-astiav, and cuts
// the encoder output into fragmented MP4 with FFmpeg's mp4 muxer writing
// to a custom IO callback: one init segment (ftyp+moov) per encoder
// generation, then one media segment (moof+mdat) per GOP, or per frame in
// low-latency mode.
//
// A Sentinel hands its output to a Sink (the client package's Publisher
// fits, through a small adapter in app), and takes control requests
// (keyframe, frame rate) through RequestKeyframe and SetFPS.
//
// The test source writes the frame number into the top rows of every
// picture; package sentinel/pattern reads it back from decoded frames. It
// shows colour bars, or (Config.Scene) a webcam scene (a person at a desk
// who moves, leaves now and then, is joined by someone) or a screen scene
// (a window of text that grows, scrolls and switches), drawn in the planes
// in Go from a seed, so a demo looks like the product's use and tests can
// rely on the pictures.
//
// Config.Cues schedule events on a real Sentinel: a frozen picture, the
// person away, the network down (carried out by the owner of the network
// through Config.OnCue), so the attention cues of a viewer can be shown
// and tested.
package sentinel
