// Package watch is the /v1/watch endpoint: proctors' WebSocket
// connections that follow the live list and subscribe to streams through
// the live registry, each with its own cursor into the shared ring.
package watch
