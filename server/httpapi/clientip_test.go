package httpapi

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientIP: X-Forwarded-For is believed only from a trusted peer, and
// then only up to the right-most address that is not itself trusted (a
// client can write anything on the left).
func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name, remote string
		xff          []string
		trusted      []netip.Prefix
		want         string
	}{
		{"no proxies configured", "10.1.1.1:5000", []string{"1.2.3.4"}, nil, "10.1.1.1"},
		{"untrusted peer's header ignored", "8.8.8.8:5000", []string{"1.2.3.4"}, trusted, "8.8.8.8"},
		{"trusted peer", "10.1.1.1:5000", []string{"1.2.3.4"}, trusted, "1.2.3.4"},
		{"spoofed left entry", "10.1.1.1:5000", []string{"6.6.6.6, 1.2.3.4"}, trusted, "1.2.3.4"},
		{"chain of trusted proxies", "10.1.1.1:5000", []string{"6.6.6.6, 1.2.3.4, 10.2.2.2"}, trusted, "1.2.3.4"},
		{"several headers", "10.1.1.1:5000", []string{"6.6.6.6", "1.2.3.4, 10.2.2.2"}, trusted, "1.2.3.4"},
		{"only trusted entries", "10.1.1.1:5000", []string{"10.3.3.3, 10.2.2.2"}, trusted, "10.3.3.3"},
		{"no header", "10.1.1.1:5000", nil, trusted, "10.1.1.1"},
		{"garbage entry", "10.1.1.1:5000", []string{"1.2.3.4, bogus"}, trusted, "10.1.1.1"},
		{"ipv6 proxy", "[::1]:5000", []string{"2001:db8::7"}, trusted, "2001:db8::7"},
		{"ipv4-mapped client", "10.1.1.1:5000", []string{"::ffff:1.2.3.4"}, trusted, "1.2.3.4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, h := range tc.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := ClientIP(r, tc.trusted); got != tc.want {
				t.Fatalf("ClientIP = %s, want %s", got, tc.want)
			}
		})
	}
}
