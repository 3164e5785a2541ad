// Package testmedia makes real test media for Proctor's tests: H.264
// fragmented MP4 encoded by the ffmpeg CLI (Encode), cut into the init
// segment and moof+mdat segments a Sentinel would send (Split), and
// counted back by ffprobe (CountFrames, Probe).
//
// It is an ordinary package so that any _test.go file can import it; it
// calls testing.TB's Fatal on failure and is not for production code.
// Byte slices it returns may be shared between callers: do not modify them.
package testmedia
