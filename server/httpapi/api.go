package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/meta"
	"proctor/server/store"
)

// Live is what the API needs from the live hub: the current Sentinel list
// and a hook to tell watchers about a new marker.
type Live interface {
	Sentinels() []proto.SentinelInfo
	MarkerAdded(proto.Marker)
}

// API serves the history endpoints. Store, Meta and Auth are required;
// Live may be nil (no live Sentinels then); Log and Now default to a
// discarding logger and time.Now.
type API struct {
	Store *store.Store
	Meta  *meta.DB
	Live  Live
	Auth  *auth.Signer
	Log   *slog.Logger
	Now   func() time.Time
	// Remote, on a cluster node, streams the history of Sentinels this
	// node does not hold from one that does (remote.go); nil: local only.
	Remote Remote

	auditLog *slog.Logger // who read which video (audit.go)
}

// handlerFunc is an endpoint after authentication. An error it returns is
// answered by fail; a handler that has begun its response returns nil.
type handlerFunc func(w http.ResponseWriter, r *http.Request, c auth.Claims) error

// Register mounts the endpoints on mux (Go 1.22 patterns; GET also
// answers HEAD).
func (a *API) Register(mux *http.ServeMux) {
	if a.Log == nil {
		a.Log = slog.New(slog.DiscardHandler)
	}
	a.auditLog = a.Log.With("component", "audit", "audit", true)
	a.Log = a.Log.With("component", "httpapi")
	if a.Now == nil {
		a.Now = time.Now
	}
	review := auth.Claims.CanReview
	list := func(c auth.Claims) bool { return c.CanWatch() || c.CanReview() }
	const stream = "/v1/sessions/{sid}/sentinels/{id}"
	routes := []struct {
		pattern string
		may     func(auth.Claims) bool
		h       handlerFunc
	}{
		{"GET /v1/sentinels", list, a.sentinels},
		{"GET /v1/sessions", review, a.listSessions},
		{"GET /v1/sessions/{sid}", review, a.session},
		{"GET /v1/sessions/{sid}/markers", review, a.markers},
		{"POST /v1/sessions/{sid}/markers", review, a.addMarker},
		{"GET " + stream + "/segments", review, a.orRemote(a.segmentList)},
		{"GET " + stream + "/segments/{seq}", review, a.audited(auditSegment, a.orRemote(a.segment))},
		{"GET " + stream + "/init.mp4", review, a.audited(auditInit, a.orRemote(a.initSegment))},
		{"GET " + stream + "/media.mp4", review, a.audited(auditExport, a.orRemote(a.media))},
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, a.guard(rt.may, rt.h))
	}
}

// guard authenticates the request, checks the role with may and runs h.
func (a *API) guard(may func(auth.Claims) bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := Authenticate(a.Auth, r, a.Now())
		if err != nil {
			WriteError(w, http.StatusUnauthorized, proto.CodeUnauthorized, authMessage(err))
			return
		}
		if !may(c) {
			WriteError(w, http.StatusForbidden, proto.CodeForbidden,
				"role "+string(c.Role)+" may not use this endpoint")
			return
		}
		if err := h(w, r, c); err != nil {
			a.fail(w, r, err)
		}
	})
}

// fail answers err: a *httpError as it says, a not-found of the store or
// the metadata as 404, an invalid argument as 400, damaged stored data as
// 500 saying so, anything else as 500 with the details logged, not sent.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		WriteError(w, he.status, he.code, he.msg)
	case errors.Is(err, store.ErrNotFound), errors.Is(err, meta.ErrNotFound):
		WriteError(w, http.StatusNotFound, proto.CodeNotFound, "not found")
	case errors.Is(err, meta.ErrInvalid):
		WriteError(w, http.StatusBadRequest, proto.CodeBadRequest, err.Error())
	case errors.Is(err, store.ErrCorrupt):
		// Damaged at rest: the operator must hear of it, the client may
		// know why (the message names no path).
		a.Log.Error("stored data damaged", "method", r.Method, "path", r.URL.Path, "err", err)
		WriteError(w, http.StatusInternalServerError, proto.CodeInternal, "the stored segment is damaged: it fails its checksum")
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads an answer.
	default:
		a.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		WriteError(w, http.StatusInternalServerError, proto.CodeInternal, "internal error")
	}
}

// streamIDs returns the valid {sid} and {id} of a stream endpoint.
func streamIDs(r *http.Request) (sid, id string, err error) {
	if sid, err = pathID(r, "sid", "session"); err != nil {
		return
	}
	id, err = pathID(r, "id", "sentinel")
	return
}
