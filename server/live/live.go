package live

import (
	"proctor/proto"
	"proctor/server/hub"
)

// Publisher is a connection publishing as a Sentinel: a /v1/ingest
// Sentinel or a seed-protocol publisher. The registry holds it to forward
// control from watchers.
type Publisher interface {
	// Control forwards a control message (keyframe, fps) without blocking.
	Control(m any)
}

// Watcher is a connection that follows the live list: it is told about
// every change of a Sentinel and every broadcast (markers).
type Watcher interface {
	// Event queues the latest sentinel event of id, replacing an unsent one.
	Event(id string, b []byte)
	// Text queues a text message.
	Text(b []byte)
}

// Registry is the live state the connection packages share: which
// Sentinels are publishing (and where their streams are), and who watches.
// Local is the in-process implementation; the Redis bus of a cluster plugs
// in behind this interface, so that a Sentinel attached on one node is
// listed, watched and controlled from every node.
type Registry interface {
	// Attach makes pub the publisher of id; false when another publisher
	// is connected or the registry is closed.
	Attach(id string, pub Publisher) (*Sentinel, *hub.Stream, bool)
	// Detach ends pub's turn as publisher of sn.
	Detach(sn *Sentinel, pub Publisher)
	// Unlist removes an offline Sentinel whose session ended.
	Unlist(sn *Sentinel)
	// Changed tells every watcher about sn.
	Changed(sn *Sentinel)
	// Lookup returns the listed Sentinel id, or nil.
	Lookup(id string) *Sentinel
	// List returns the listed Sentinels sorted by id.
	List() []*Sentinel
	// Sentinels returns the live list as GET /v1/sentinels shows it.
	Sentinels() []proto.SentinelInfo
	// MarkerAdded tells every watcher about a new marker.
	MarkerAdded(m proto.Marker)
	// AddWatcher registers w and queues the current list as its first message.
	AddWatcher(w Watcher)
	// RemoveWatcher unregisters w and withdraws its frame rate requests.
	RemoveWatcher(w Watcher)
	// Stream returns the stream of id to subscribe to (nil once closed).
	Stream(id string) *hub.Stream
	// Release lets the stream of id go when nobody uses it.
	Release(id string)
}

var _ Registry = (*Local)(nil)
