// Package e2e holds the client's end-to-end tests against the real server
// (proctor/server) on loopback, with real H.264 fMP4 made by the ffmpeg CLI.
// It is a separate package so that the client's own tests do not depend on
// the server compiling.
package e2e
