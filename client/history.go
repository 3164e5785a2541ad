package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"proctor/proto"
)

// maxJSON bounds a JSON answer (a page of sessions, a segment list).
const maxJSON = 64 << 20

// History is the HTTP client of the server's history API. Methods are
// safe for concurrent use; errors match ErrUnauthorized, ErrForbidden,
// ErrNotFound (errors.Is) or wrap ErrUnreachable, and other server errors
// are a *ServerError with the server's message.
type History struct {
	cfg Config
	log *slog.Logger
	srv *rotation // the server in use, shared by concurrent requests
}

// NewHistory returns a History for cfg's servers.
func NewHistory(cfg Config) *History {
	cfg = cfg.withDefaults()
	return &History{cfg: cfg, log: cfg.Log.With("component", "history"), srv: cfg.rotation()}
}

// Query filters GET /v1/sessions. Zero fields do not filter.
type Query struct {
	State    string    // one session state, e.g. proto.SessionOpen
	Sentinel string    // sessions a Sentinel published into
	Text     string    // substring of the id or a detail
	From, To time.Time // sessions overlapping [From, To]
	Limit    int       // page size (the server's default when 0)
	Cursor   string    // NextCursor of the previous page
}

func (q Query) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("state", q.State)
	set("sentinel", q.Sentinel)
	set("q", q.Text)
	set("from", rfc3339(q.From))
	set("to", rfc3339(q.To))
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	set("cursor", q.Cursor)
	return v
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// rangeValues encodes optional from and to times.
func rangeValues(from, to time.Time) url.Values {
	return Query{From: from, To: to}.values()
}

// streamPath is the path of one (session, Sentinel) stream.
func streamPath(sid, id string) (string, error) {
	if err := proto.CheckID("session", sid); err != nil {
		return "", err
	}
	if err := proto.CheckID("sentinel", id); err != nil {
		return "", err
	}
	return "/v1/sessions/" + sid + "/sentinels/" + id, nil
}

// do sends a request and returns the response when its status is 2xx;
// otherwise the response is closed and an error returned. A server that
// cannot be reached or answers that it is unavailable is passed over for
// the next one of the list (see failsOver), each tried at most once.
func (h *History) do(ctx context.Context, method, path string, q url.Values, body any) (*http.Response, error) {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		payload = b
	}
	start := h.srv.current()
	var err error
	for k := range len(h.cfg.Servers) {
		i := (start + k) % len(h.cfg.Servers)
		var resp *http.Response
		resp, err = h.doAt(ctx, i, method, path, q, payload, body != nil)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil || !failsOver(method, err) || len(h.cfg.Servers) == 1 {
			return nil, err
		}
		h.log.Warn("history request failed; trying the next server", "server", h.cfg.base(i), "err", err)
		h.srv.failed(i)
	}
	return nil, err
}

// doAt sends one request to server i of the list.
func (h *History) doAt(ctx context.Context, i int, method, path string, q url.Values, payload []byte, hasBody bool) (*http.Response, error) {
	u, err := h.cfg.urlAt(i, path, false)
	if err != nil {
		return nil, err
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if hasBody {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header = h.cfg.header()
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.cfg.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		}
		return nil, fmt.Errorf("%s %s: %w: %w", method, path, ErrUnreachable, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, fmt.Errorf("%s %s: %w", method, path, responseError(resp))
	}
	return resp, nil
}

// failsOver reports whether a failed request goes to the next server: the
// server said it is unavailable (502, 503, 504, codes unavailable and
// shutdown), or it could not be reached. A request that changes something
// (POST) is sent again only when its connection was never made, so a
// marker is not added twice.
func failsOver(method string, err error) bool {
	var se *ServerError
	if errors.As(err, &se) {
		switch se.Code {
		case proto.CodeUnavailable, proto.CodeShutdown:
			return true
		}
		switch se.Status {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	if !errors.Is(err, ErrUnreachable) {
		return false
	}
	if method == http.MethodGet || method == http.MethodHead {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// getJSON fetches path and decodes its JSON answer into v.
func (h *History) getJSON(ctx context.Context, path string, q url.Values, v any) error {
	return h.call(ctx, http.MethodGet, path, q, nil, v)
}

func (h *History) call(ctx context.Context, method, path string, q url.Values, body, v any) error {
	resp, err := h.do(ctx, method, path, q, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJSON)).Decode(v); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// getBytes fetches raw bytes (a segment, an init segment).
func (h *History) getBytes(ctx context.Context, path string, q url.Values) ([]byte, error) {
	resp, err := h.do(ctx, http.MethodGet, path, q, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	n := resp.ContentLength
	if n < 0 || n > maxJSON {
		n = 0
	}
	buf := bytes.NewBuffer(make([]byte, 0, n))
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	return buf.Bytes(), nil
}

// Health checks GET /healthz and that the server speaks this client's
// major protocol version (ErrVersion otherwise).
func (h *History) Health(ctx context.Context) (proto.Health, error) {
	var v proto.Health
	// The liveness check: a node that is not ready still speaks its protocol.
	if err := h.getJSON(ctx, "/healthz", url.Values{"live": {""}}, &v); err != nil {
		return v, err
	}
	if major(v.Version) != major(proto.ProtocolVersion) {
		return v, fmt.Errorf("%w: server speaks protocol %q, this client %q", ErrVersion, v.Version, proto.ProtocolVersion)
	}
	return v, nil
}

func major(v string) string {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	m, _, _ := strings.Cut(v, ".")
	return m
}

// Sentinels lists the live Sentinels.
func (h *History) Sentinels(ctx context.Context) ([]proto.SentinelInfo, error) {
	var v proto.Sentinels
	err := h.getJSON(ctx, "/v1/sentinels", nil, &v)
	return v.Sentinels, err
}

// Sessions returns a page of sessions, newest first.
func (h *History) Sessions(ctx context.Context, q Query) (proto.SessionList, error) {
	var v proto.SessionList
	err := h.getJSON(ctx, "/v1/sessions", q.values(), &v)
	return v, err
}

// Session returns one session.
func (h *History) Session(ctx context.Context, sid string) (proto.Session, error) {
	var v proto.Session
	if err := proto.CheckID("session", sid); err != nil {
		return v, err
	}
	err := h.getJSON(ctx, "/v1/sessions/"+sid, nil, &v)
	return v, err
}

// Markers lists a session's markers.
func (h *History) Markers(ctx context.Context, sid string) ([]proto.Marker, error) {
	var v proto.MarkerList
	if err := proto.CheckID("session", sid); err != nil {
		return nil, err
	}
	err := h.getJSON(ctx, "/v1/sessions/"+sid+"/markers", nil, &v)
	return v.Markers, err
}

// AddMarker adds a marker to a session and returns it as stored.
func (h *History) AddMarker(ctx context.Context, sid string, m proto.Marker) (proto.Marker, error) {
	var v proto.Marker
	if err := proto.CheckID("session", sid); err != nil {
		return v, err
	}
	err := h.call(ctx, http.MethodPost, "/v1/sessions/"+sid+"/markers", nil, m, &v)
	return v, err
}
