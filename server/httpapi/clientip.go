package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP is the address of the client behind r, for per-address
// limits. It is r.RemoteAddr's host unless that peer is in trusted (a
// reverse proxy of the operator's): then it is the right-most address of
// X-Forwarded-For that is not itself trusted, as every proxy appends the
// peer it saw and only the entries added by trusted proxies can be
// believed (a client can put anything on the left). A header that names
// only trusted proxies gives the left-most of them; one that does not
// parse gives the proxy's own address.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(trusted) == 0 {
		return host
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !inPrefixes(trusted, peer.Unmap()) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := host
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return client
		}
		a = a.Unmap()
		client = a.String()
		if !inPrefixes(trusted, a) {
			return client
		}
	}
	return client
}

func inPrefixes(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
