// Package app is the command line of proctor: it parses flags and
// configuration and wires the packages together for each mode (server,
// sentinel, view, demo, ...). It is the only package that knows them all.
//
// Each mode lives in its own file and registers itself in init, so the
// server-only build (tag serveronly) leaves the GUI, Sentinel and player
// modes, and their cgo dependencies, out.
package app
