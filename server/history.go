package server

import (
	"net/http"
	"time"

	"proctor/server/httpapi"
)

// registerHistory mounts the history HTTP API (sessions, segments,
// export, markers, the Sentinel list).
func (s *Server) registerHistory(mux *http.ServeMux) {
	api := &httpapi.API{Store: s.store, Meta: s.meta, Live: s.live, Auth: s.signer, Log: s.root,
		Now: func() time.Time { return s.now() }}
	if px := newHistoryProxy(s); px != nil {
		api.Remote = px
	}
	api.Register(mux)
}
