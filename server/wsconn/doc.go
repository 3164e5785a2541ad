// Package wsconn holds what every WebSocket endpoint of the server shares:
// the upgrader, size-limited reads, error replies and a close that does
// not destroy the last message in flight.
package wsconn
