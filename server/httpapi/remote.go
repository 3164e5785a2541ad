package httpapi

import (
	"net/http"

	"proctor/server/auth"
)

// ProxiedHeader marks a request one node sends another for history it
// does not hold: the node answering it serves only what it holds itself,
// so two nodes that each think the other holds a stream never loop.
const ProxiedHeader = "X-Proctor-Proxied-By"

// Remote streams a Sentinel's history from another cluster node when this
// node holds none of it (server/history_proxy.go).
type Remote interface {
	// Serve answers r (already authenticated here) from a node that holds
	// sentinel's segments. handled is false when no other node could
	// answer; the caller then answers from the local store (a 404).
	Serve(w http.ResponseWriter, r *http.Request, sentinel string) (handled bool, err error)
}

// orRemote runs h when this node holds the stream of the request, and
// otherwise lets a.Remote stream the answer from a node that holds it.
// Without a Remote (a single node) it is h.
func (a *API) orRemote(h handlerFunc) handlerFunc {
	if a.Remote == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request, c auth.Claims) error {
		sid, id, err := streamIDs(r)
		if err != nil {
			return err
		}
		if r.Header.Get(ProxiedHeader) == "" && !a.holds(sid, id) {
			if ok, err := a.Remote.Serve(w, r, id); ok || err != nil {
				return err
			}
		}
		return h(w, r, c)
	}
}

// holds reports whether the local store has an init segment of the
// stream, which it stores before any media segment.
func (a *API) holds(sid, id string) bool {
	gens, err := a.Store.Generations(sid, id)
	return err == nil && len(gens) > 0
}
