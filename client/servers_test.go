package client

import (
	"errors"
	"testing"
)

func TestParseServers(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            bool
	}{
		{"one", "http://a:1", "http://a:1", false},
		{"two with blanks and slashes", " http://a:1/ , https://b:2", "http://a:1,https://b:2", false},
		{"websocket schemes", "ws://a:1,wss://b", "ws://a:1,wss://b", false},
		{"empty", " ", "", true},
		{"empty element", "http://a:1,,http://b:2", "", true},
		{"no scheme", "a:1", "", true},
		{"bad scheme", "ftp://a", "", true},
		{"no host", "http://", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseServers(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("ParseServers(%q) = %v, %v", tc.in, got, err)
			}
			if err == nil && got.String() != tc.want {
				t.Errorf("ParseServers(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if _, err := ParseServers(""); !errors.Is(err, ErrNoServer) {
		t.Errorf("empty list: %v, want ErrNoServer", err)
	}
}

// TestConfigServers: Config reads a comma list in Server the way Servers
// does, so a flag value can be passed through as it is.
func TestConfigServers(t *testing.T) {
	c := Config{Server: "http://a:1/, http://b:2"}.withDefaults()
	if c.Servers.String() != "http://a:1,http://b:2" || c.Server != "http://a:1" {
		t.Errorf("servers %q, server %q", c.Servers, c.Server)
	}
	r := c.rotation()
	if r.failed(0) != 1 || r.failed(0) != 1 || r.failed(1) != 0 {
		t.Error("rotation does not move on exactly once per failure")
	}
}
