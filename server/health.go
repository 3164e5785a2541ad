package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/httpapi"
)

// readyTimeout bounds the readiness checks of one /healthz request, so a
// database stuck behind a long transaction makes the node unready instead
// of hanging the load balancer's probe.
const readyTimeout = 2 * time.Second

// healthBody is the answer of /healthz: proto.Health, and when the node is
// not ready, why ("store: ...", "database: ...").
type healthBody struct {
	proto.Health
	Reasons []string `json:"reasons,omitempty"`
}

// handleHealth answers GET /healthz with readiness: 200 {"status":"ok"}
// when the store can write and the database answers, 503
// {"status":"unready","reasons":[...]} otherwise, so a load balancer
// stops sending Sentinels to a node that would refuse their segments.
// A cluster node whose Redis is unreachable is still ready (it stores
// and serves its own Sentinels and watchers) but says so: 200
// {"status":"degraded","reason":...}.
// /healthz?live is the liveness check: 200 while the process serves,
// whatever the store and database say (restarting the process does not
// free a full disk).
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	body := healthBody{Health: proto.Health{Status: "ok", Version: proto.ProtocolVersion,
		Uptime: int64(time.Since(s.start).Seconds())}}
	body.Status, body.Reason = s.healthStatus()
	status := http.StatusOK
	if !r.URL.Query().Has("live") {
		if body.Reasons = s.unready(r.Context()); len(body.Reasons) > 0 {
			body.Status, status = "unready", http.StatusServiceUnavailable
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// unready returns why the node is not ready (nil: ready).
func (s *Server) unready(ctx context.Context) []string {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var reasons []string
	if err := s.storeWritable(); err != nil {
		reasons = append(reasons, "store: "+err.Error())
	}
	if err := s.meta.Ping(ctx); err != nil {
		reasons = append(reasons, "database: "+err.Error())
	}
	return reasons
}

// storeWritable asks the store (recent write failures, the free-space guard), then writes, syncs
// and removes a small file in the store's directory, which fails on a
// read-only, missing or full file system that the store has not written
// to yet.
func (s *Server) storeWritable() error {
	if err := s.store.Writable(); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.cfg.Store.Dir, ".healthz-*")
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	_, err = f.Write([]byte{'\n'})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(f.Name()); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	return nil
}

// metricsOnly guards /metrics: a Prometheus scraper sends a token of the
// metrics role (or an admin token), as Authorization: Bearer or
// ?access_token=. The metrics role can do nothing else, so the scraper's
// credential cannot publish or watch.
func (s *Server) metricsOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := httpapi.Authenticate(s.signer, r, s.now())
		if err != nil {
			httpapi.WriteError(w, http.StatusUnauthorized, proto.CodeUnauthorized, err.Error())
			return
		}
		if !auth.Claims.CanReadMetrics(c) {
			httpapi.WriteError(w, http.StatusForbidden, proto.CodeForbidden, "metrics need a metrics or admin token")
			return
		}
		h.ServeHTTP(w, r)
	})
}
