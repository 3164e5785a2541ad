package server

import (
	"fmt"
	"net/http"

	"proctor/proto"
	"proctor/server/httpapi"
	"proctor/server/seed"
)

// Cluster roles (Config.Role, `proctor server --role`). Ingest nodes take
// Sentinels and edge nodes serve watchers, so that viewers never load the
// nodes that store; an all node does both, as a single node does. The
// history API and the seed probe are served by every role.
const (
	RoleAll    = "all"
	RoleIngest = "ingest"
	RoleEdge   = "edge"
)

func validRole(r string) error {
	switch r {
	case "", RoleAll, RoleIngest, RoleEdge:
		return nil
	}
	return fmt.Errorf("%w: role %q: want %s, %s or %s", ErrConfig, r, RoleIngest, RoleEdge, RoleAll)
}

// serves reports whether this node takes connections of role need.
func (s *Server) serves(need string) bool {
	return s.cfg.Role == "" || s.cfg.Role == RoleAll || s.cfg.Role == need
}

// refuseRole answers 421 wrong_role before any upgrade: the client's
// error names the node's role, and a client with a list of servers moves
// on to the next (the code is not final).
func (s *Server) refuseRole(w http.ResponseWriter, what, need string) {
	httpapi.WriteError(w, http.StatusMisdirectedRequest, proto.CodeWrongRole,
		fmt.Sprintf("this node's role is %s: %s needs a node of role %s or %s", s.cfg.Role, what, need, RoleAll))
}

// forRole serves h only on a node of role need (or all).
func (s *Server) forRole(need string, h http.Handler) http.Handler {
	if s.serves(need) {
		return h
	}
	what := map[string]string{RoleIngest: "publishing", RoleEdge: "watching"}[need]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.refuseRole(w, what, need) })
}

// seedForRole gates the seed endpoint by kind: publish is ingest, the
// receive kinds are watching; probe is served everywhere.
func (s *Server) seedForRole(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch kind := r.PathValue("kind"); {
		case kind == seed.Publish && !s.serves(RoleIngest):
			s.refuseRole(w, "seed publishing", RoleIngest)
		case kind != seed.Publish && kind != seed.Probe && !s.serves(RoleEdge):
			s.refuseRole(w, "seed receiving", RoleEdge)
		default:
			h.ServeHTTP(w, r)
		}
	})
}
