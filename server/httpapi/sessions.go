package httpapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/server/meta"
)

// maxMarkerBody bounds a POSTed marker (label, note and author are
// bounded far below this by meta).
const maxMarkerBody = 64 << 10

// sentinels answers GET /v1/sentinels with the live list in the shape of
// the watch "sentinels" message, sorted by id.
func (a *API) sentinels(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	list := []proto.SentinelInfo{}
	if a.Live != nil {
		list = append(list, a.Live.Sentinels()...)
	}
	slices.SortFunc(list, func(x, y proto.SentinelInfo) int { return cmp.Compare(x.ID, y.ID) })
	writeJSON(w, http.StatusOK, proto.Sentinels{Type: proto.TypeSentinels, Sentinels: list})
	return nil
}

// listSessions answers GET /v1/sessions?state=&sentinel=&q=&from=&to=&limit=&cursor=.
func (a *API) listSessions(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	q := r.URL.Query()
	mq := meta.Query{State: q.Get("state"), Text: q.Get("q"), Cursor: q.Get("cursor")}
	switch mq.State {
	case "", proto.SessionWaiting, proto.SessionOpen, proto.SessionClosed, proto.SessionTruncated, proto.SessionAbandoned:
	default:
		return badRequest("state must be waiting, open, closed, truncated or abandoned")
	}
	if s := q.Get("sentinel"); s != "" {
		if _, err := checkID("sentinel", s); err != nil {
			return err
		}
		mq.Sentinel = s
	}
	if len(mq.Text) > 256 {
		return badRequest("q must be at most 256 bytes")
	}
	var err error
	if mq.From, mq.To, err = parseRange(q); err != nil {
		return err
	}
	if mq.Limit, err = parseLimit(q); err != nil {
		return err
	}
	list, err := a.Meta.ListSessions(r.Context(), mq)
	if errors.Is(err, meta.ErrInvalid) {
		return badRequest("bad cursor or filter")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// session answers GET /v1/sessions/{sid}.
func (a *API) session(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	sid, err := pathID(r, "sid", "session")
	if err != nil {
		return err
	}
	s, err := a.Meta.Session(r.Context(), sid)
	if errors.Is(err, meta.ErrNotFound) {
		return notFound("no session %s", sid)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

// markers answers GET /v1/sessions/{sid}/markers, sorted by time.
func (a *API) markers(w http.ResponseWriter, r *http.Request, _ auth.Claims) error {
	sid, err := pathID(r, "sid", "session")
	if err != nil {
		return err
	}
	ms, err := a.Meta.Markers(r.Context(), sid)
	if errors.Is(err, meta.ErrNotFound) {
		return notFound("no session %s", sid)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, proto.MarkerList{Markers: ms})
	return nil
}

// addMarker answers POST /v1/sessions/{sid}/markers with 201 and the
// stored marker (id and created filled in), then tells the live hub.
// The author is the token's subject: a body that names another author is
// refused (403), not rewritten, so that a client that meant to speak for
// someone learns that it cannot. The marker's Sentinel must be attached to
// the session (400 otherwise). id and created are the server's.
func (a *API) addMarker(w http.ResponseWriter, r *http.Request, c auth.Claims) error {
	sid, err := pathID(r, "sid", "session")
	if err != nil {
		return err
	}
	var m proto.Marker
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxMarkerBody))
	if err := dec.Decode(&m); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return &httpError{http.StatusRequestEntityTooLarge, proto.CodeTooLarge,
				fmt.Sprintf("a marker body may have at most %d bytes", maxMarkerBody)}
		}
		return badRequest("body must be one JSON marker {\"sentinel\",\"time\",\"label\",\"note\"} of at most %d bytes", maxMarkerBody)
	}
	if m.Session != "" && m.Session != sid {
		return badRequest("marker session %q differs from the session in the path", m.Session)
	}
	if _, err := checkID("sentinel", m.Sentinel); err != nil {
		return err
	}
	if m.Time.IsZero() {
		return badRequest("marker time is missing")
	}
	if m.Author != "" && m.Author != c.Subject {
		return &httpError{http.StatusForbidden, proto.CodeForbidden,
			"a marker's author is the token's subject; leave author out or set it to " + strconv.Quote(c.Subject)}
	}
	s, err := a.Meta.Session(r.Context(), sid)
	if errors.Is(err, meta.ErrNotFound) {
		return notFound("no session %s", sid)
	}
	if err != nil {
		return err
	}
	if !slices.Contains(s.Sentinels, m.Sentinel) {
		return badRequest("sentinel %s is not in session %s", m.Sentinel, sid)
	}
	m.Author = c.Subject
	m.Session, m.ID, m.Created = sid, 0, a.Now()
	m, err = a.Meta.AddMarker(r.Context(), m)
	switch {
	case errors.Is(err, meta.ErrNotFound):
		return notFound("no session %s", sid)
	case errors.Is(err, meta.ErrInvalid):
		return badRequest("%s", err.Error())
	case err != nil:
		return err
	}
	if a.Live != nil {
		a.Live.MarkerAdded(m)
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}
