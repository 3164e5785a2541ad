package auth

import "fmt"

// Role says what a token's holder may do.
type Role string

// Roles, as in docs/protocol.md.
const (
	RoleSentinel Role = "sentinel" // publish as its own id
	RoleProctor  Role = "proctor"  // live, history, markers
	RoleReviewer Role = "reviewer" // history, markers
	RoleAdmin    Role = "admin"    // everything
	RoleMetrics  Role = "metrics"  // GET /metrics and nothing else
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleSentinel, RoleProctor, RoleReviewer, RoleAdmin, RoleMetrics:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (sentinel, proctor, reviewer, admin, metrics)", s)
}

// Claims are what a token asserts.
type Claims struct {
	Role    Role   `json:"role"`
	Subject string `json:"sub"`
	Expiry  int64  `json:"exp"` // Unix seconds; 0: never
	// Sessions, for a Sentinel token, names the sessions it may join
	// (empty: the server decides, see MayJoin).
	Sessions []string `json:"ses,omitempty"`
}

// MayJoin reports whether the holder may publish into session sid by
// naming it: an admin always, a Sentinel whose token names sessions only
// into those, and one whose token names none into any (the server then
// keeps it from changing a session another Sentinel opened); no other
// role, which cannot publish at all.
func (c Claims) MayJoin(sid string) bool {
	switch {
	case c.Role == RoleAdmin:
		return true
	case c.Role != RoleSentinel:
		return false
	case len(c.Sessions) == 0:
		return true
	}
	for _, s := range c.Sessions {
		if s == sid {
			return true
		}
	}
	return false
}

// NamesSessions reports whether the token limits the sessions it joins.
func (c Claims) NamesSessions() bool { return len(c.Sessions) > 0 }

// CanReadMetrics reports whether the holder may read /metrics.
func (c Claims) CanReadMetrics() bool { return c.Role == RoleMetrics || c.Role == RoleAdmin }

// CanIngest reports whether the holder may open an ingest connection at
// all (as which Sentinel is CanPublish's question, asked at hello).
func (c Claims) CanIngest() bool { return c.Role == RoleSentinel || c.Role == RoleAdmin }

// CanPublish reports whether the holder may publish as sentinel id.
func (c Claims) CanPublish(id string) bool {
	return c.Role == RoleAdmin || (c.Role == RoleSentinel && c.Subject == id)
}

// CanWatch reports whether the holder may watch live streams.
func (c Claims) CanWatch() bool { return c.Role == RoleProctor || c.Role == RoleAdmin }

// CanReview reports whether the holder may read history and markers.
func (c Claims) CanReview() bool {
	return c.Role == RoleProctor || c.Role == RoleReviewer || c.Role == RoleAdmin
}
