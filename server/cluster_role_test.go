package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"proctor/client"
	"proctor/internal/testredis"
	"proctor/proto"
	"proctor/server/auth"
)

// TestClusterRoles: an edge node refuses publishing (/v1/ingest, seed
// publish) and an ingest node watching (/v1/watch, seed receive) with 421
// wrong_role before any upgrade; each serves its own side, and a Sentinel
// whose list names the edge first moves on to the ingest node.
func TestClusterRoles(t *testing.T) {
	srv := testredis.Start(t)
	ing := startNodeAt(t, srv.Addr, "ingest1", 0, func(c *Config) { c.Role = RoleIngest })
	edge := startNodeAt(t, srv.Addr, "edge1", 0, func(c *Config) { c.Role = RoleEdge })

	code := func(e *env, path string) (int, string) {
		t.Helper()
		resp, err := http.Get(e.http + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var he proto.HTTPError
		json.Unmarshal(b, &he)
		return resp.StatusCode, he.Error.Code
	}
	for _, tc := range []struct {
		e      *env
		path   string
		refuse bool
	}{
		{edge, "/v1/ingest", true},
		{edge, "/cam1/key1/publish", true},
		{edge, "/v1/watch", false},
		{edge, "/cam1/key1/receive", false},
		{ing, "/v1/watch", true},
		{ing, "/cam1/key1/receive", true},
		{ing, "/cam1/key1/receive-clear-cache", true},
		{ing, "/v1/ingest", false},
		{ing, "/cam1/key1/publish", false},
		{ing, "/cam1/key1/probe", false},
	} {
		name := map[*env]string{edge: "edge", ing: "ingest"}[tc.e] + tc.path
		status, c := code(tc.e, tc.path)
		if refused := status == http.StatusMisdirectedRequest && c == proto.CodeWrongRole; refused != tc.refuse {
			t.Errorf("%s: %d %q, want refused=%v", name, status, c, tc.refuse)
		}
	}
	if _, err := edge.dial("/v1/ingest", edge.token(auth.RoleSentinel, "cam1")); err == nil {
		t.Fatal("edge took a Sentinel connection")
	}

	// The Sentinel's list names the edge first: wrong_role is not final.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := client.NewPublisher(client.Config{Servers: client.Servers{edge.http, ing.http},
		Token: ing.token(auth.RoleSentinel, "cam1"), MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond},
		proto.Hello{Sentinel: "cam1", Source: proto.SourceTest}, client.PublishOptions{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for ctx.Err() == nil && !p.Stats().Connected {
		time.Sleep(10 * time.Millisecond)
	}
	if st := p.Stats(); !st.Connected || st.Connects != 1 {
		t.Fatalf("publisher %+v: want connected once, to the ingest node", st)
	}
	p.End(ctx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	cfg := testConfig(t.TempDir())
	cfg.Role = "proxy"
	if _, err := New(cfg, nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("role proxy: %v, want ErrConfig", err)
	}
}
