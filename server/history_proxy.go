package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"proctor/server/auth"
	"proctor/server/httpapi"
	"proctor/server/meta"
)

// historyProxy streams a Sentinel's history from the node that holds it
// (meta holders table, node registry's advertised URLs) when this cluster
// node does not: the caller's credentials are checked here, the inner
// request carries a short admin token signed with the cluster's shared
// secret. The answer is copied as it comes (status, Range, ETag,
// Content-Length, X-Proctor-*), never redirected: the client may not
// reach the other node.
type historyProxy struct {
	node   string
	peers  func(ctx context.Context) (map[string]string, error)
	meta   *meta.DB
	signer *auth.Signer
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
	cache  proxyCache
}

// forwarded are the request headers the holder needs to answer as this
// node would: ranges and conditional requests.
var forwarded = []string{"Range", "If-Range", "If-None-Match", "If-Match", "If-Modified-Since", "If-Unmodified-Since"}

// hopByHop are response headers that describe one connection, not the
// answer (RFC 9110 section 7.6.1).
var hopByHop = map[string]bool{"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true,
	"Upgrade": true, "Proxy-Connection": true, "Te": true, "Trailer": true}

func newHistoryProxy(s *Server) *historyProxy {
	if s.cfg.Peers == nil || s.cfg.Node == "" {
		return nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	tr.DisableCompression = true // bytes as stored, Content-Length intact
	// A holder that died but is still registered must not hold the
	// caller until its own timeout: the next holder is tried instead.
	tr.ResponseHeaderTimeout = 10 * time.Second
	return &historyProxy{node: s.cfg.Node, peers: s.cfg.Peers, meta: s.meta, signer: s.signer,
		client: &http.Client{Transport: tr}, log: s.root.With("component", "history.proxy"),
		now: func() time.Time { return s.now() }}
}

// Serve implements httpapi.Remote: it tries each other live holder of
// sentinel in turn and answers from the first that has the stream.
func (p *historyProxy) Serve(w http.ResponseWriter, r *http.Request, sentinel string) (bool, error) {
	ctx := r.Context()
	holders, err := p.holdersOf(ctx, sentinel)
	if err != nil {
		return false, fmt.Errorf("holders of %s: %w", sentinel, err)
	}
	if len(holders) == 0 {
		return false, nil
	}
	peers, err := p.livePeers(ctx)
	if err != nil {
		return false, fmt.Errorf("cluster nodes: %w", err)
	}
	for _, n := range holders {
		base := peers[n]
		if n == p.node || base == "" {
			continue // this node, or a holder that is down
		}
		resp, err := p.fetch(ctx, base, r)
		if err != nil {
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				return true, nil // the client went away
			}
			p.log.Warn("history from holder failed", "node", n, "path", r.URL.Path, "err", err)
			continue
		}
		if resp.StatusCode == http.StatusNotFound {
			resp.Body.Close() // that holder lacks this session: try the next
			continue
		}
		p.copy(w, resp)
		return true, nil
	}
	return false, nil
}

// fetch sends r's method, path, query (without the caller's
// access_token) and range headers to the node at base.
func (p *historyProxy) fetch(ctx context.Context, base string, r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	q.Del("access_token")
	u := strings.TrimSuffix(base, "/") + r.URL.EscapedPath()
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	if _, err := url.Parse(u); err != nil {
		return nil, fmt.Errorf("advertised URL %q: %w", base, err)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, nil)
	if err != nil {
		return nil, fmt.Errorf("request to %s: %w", base, err)
	}
	for _, h := range forwarded {
		if v := r.Header.Values(h); len(v) > 0 {
			req.Header[h] = v
		}
	}
	tok := p.signer.Sign(auth.Claims{Role: auth.RoleAdmin, Subject: "node:" + p.node, Expiry: p.now().Add(time.Minute).Unix()})
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set(httpapi.ProxiedHeader, p.node)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return resp, nil
}

// copy writes resp to w as it is; a body cut short leaves the client a
// short answer against its Content-Length, never a wrong one.
func (p *historyProxy) copy(w http.ResponseWriter, resp *http.Response) {
	defer resp.Body.Close()
	h := w.Header()
	for k, v := range resp.Header {
		if !hopByHop[k] {
			h[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	if _, err := io.Copy(w, resp.Body); err != nil {
		p.log.Debug("history proxy copy ended", "err", err)
	}
}
