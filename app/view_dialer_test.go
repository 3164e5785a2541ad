//go:build !serveronly

package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
	"proctor/ui"
)

func TestViewDialErrors(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, signer, wait, err := demoServer(ctx, t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer wait()
	defer cancel()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok","version":"2.0","uptime_s":1}`))
	}))
	defer other.Close()

	expired := signer.Sign(auth.Claims{Role: auth.RoleProctor, Expiry: time.Now().Add(-time.Hour).Unix()})
	cases := []struct {
		name, server, token string
		want                error
	}{
		{"not a URL", "ftp://example.org", "x", ui.ErrAddress},
		{"no host", "http://", "x", ui.ErrAddress},
		{"bad URL in a list", srv + ",ftp://example.org", "x", ui.ErrAddress},
		{"websocket URL in a list", srv + ",ws://example.org", "x", ui.ErrAddress},
		{"nothing listening on any", closed + "," + closed, "x", ui.ErrUnreachable},
		{"nothing listening", closed, "x", ui.ErrUnreachable},
		{"garbage token", srv, "not-a-token", ui.ErrRefused},
		{"expired token", srv, expired, ui.ErrRefused},
		{"other protocol version", other.URL, "x", ui.ErrVersion},
	}
	d := &viewDialer{log: log}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := d.Dial(ctx, c.server, c.token)
			if b != nil {
				b.Close()
			}
			if !errors.Is(err, c.want) {
				t.Errorf("Dial(%q) = %v, want %v", c.server, err, c.want)
			}
			if msg := ui.ConnectMessage(c.server, err); msg == "" {
				t.Error("no message for the connect screen")
			}
		})
	}

	t.Run("connects through a list whose first server is down", func(t *testing.T) {
		b, err := d.Dial(ctx, closed+", "+srv, signer.Sign(auth.Claims{Role: auth.RoleProctor}))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		timeout := time.After(20 * time.Second)
		for {
			select {
			case ev := <-b.Events():
				if e, ok := ev.(ui.ConnState); ok && e.Connected {
					return
				}
			case <-timeout:
				t.Fatal("the watcher did not connect to the second server")
			}
		}
	})

	t.Run("connects and lists Sentinels", func(t *testing.T) {
		b, err := d.Dial(ctx, srv+"/", signer.Sign(auth.Claims{Role: auth.RoleProctor}))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		var up, list bool
		timeout := time.After(20 * time.Second)
		for !(up && list) {
			select {
			case ev := <-b.Events():
				switch e := ev.(type) {
				case ui.ConnState:
					up = up || e.Connected
				case *proto.Sentinels:
					list = true
				}
			case <-timeout:
				t.Fatalf("connected %v, sentinels list %v", up, list)
			}
		}
	})
}
