// Package e2e holds the player's end-to-end tests and benchmarks against
// a real server on loopback: segments published with client.Publisher,
// history fetched with client.History, live watched with client.Watcher.
// It has no non-test code.
package e2e
