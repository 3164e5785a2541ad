package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
)

// Servers is the list of server base URLs a client may use, in order of
// preference: the nodes of one cluster (or one server and its standby).
// Publisher, Watcher and History start on the first and move to the next
// when one cannot be reached, refuses with shutdown or unavailable, or
// drops the connection, so a node that dies costs a reconnect, not the
// stream. It is one type for every caller so that the Sentinel, the app
// and the load tool read "--server URL1,URL2" the same way.
type Servers []string

// ErrNoServer means a server list is empty.
var ErrNoServer = errors.New("no server url")

// ParseServers reads a comma-separated list of base URLs (http, https, ws
// or wss, with a host), as given to --server or $PROCTOR_SERVER. Blanks
// around the commas and trailing slashes are dropped; an empty element or
// a bad URL is an error naming it.
func ParseServers(s string) (Servers, error) {
	if strings.TrimSpace(s) == "" {
		return nil, ErrNoServer
	}
	var out Servers
	for i, part := range strings.Split(s, ",") {
		u := strings.TrimRight(strings.TrimSpace(part), "/")
		if u == "" {
			return nil, fmt.Errorf("server url %d of %q: empty", i+1, s)
		}
		if err := checkServer(u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func checkServer(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("server url %q: %w", s, err)
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return fmt.Errorf("server url %q: scheme must be http or https", s)
	}
	if u.Host == "" {
		return fmt.Errorf("server url %q: no host", s)
	}
	return nil
}

// String joins the list as ParseServers reads it.
func (s Servers) String() string { return strings.Join(s, ",") }

// splitServers is the lenient split Config uses: it never fails, so a bad
// URL is reported when it is dialled, as before lists existed.
func splitServers(s string) Servers {
	var out Servers
	for part := range strings.SplitSeq(s, ",") {
		if u := strings.TrimRight(strings.TrimSpace(part), "/"); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// rotation is a client's place in its server list. It is shared by the
// goroutines of one History (hence atomic); a Publisher or Watcher uses
// it from Run only.
type rotation struct {
	n   int
	cur atomic.Int64
}

// current returns the index of the server to use now.
func (r *rotation) current() int { return int(r.cur.Load()) }

// failed moves past server i unless another caller already did, and
// returns the index to use now.
func (r *rotation) failed(i int) int {
	if r.n <= 1 {
		return 0
	}
	r.cur.CompareAndSwap(int64(i), int64((i+1)%r.n))
	return r.current()
}

// failover reports whether err means the next server should be tried: any
// failure but a conflict, which names this server's own stale connection
// (or, in a cluster, one that the other nodes see too).
func failover(err error) bool {
	return err != nil && !errors.Is(err, ErrConflict)
}

// ServerList returns the servers c names, in the order they are tried:
// Servers, or the comma-separated Server.
func (c Config) ServerList() Servers { return c.withDefaults().Servers }
