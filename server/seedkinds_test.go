package server

import "proctor/server/seed"

// The seed endpoint's kinds under the names the tests used before the
// endpoint had its own package.
const (
	seedPublish    = seed.Publish
	seedReceive    = seed.Receive
	seedReceiveNew = seed.ReceiveNew
	seedProbe      = seed.Probe
)
