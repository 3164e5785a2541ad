package wsconn

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// testConn is a server-side WebSocket connection whose handler reads
// until the socket fails; stubborn ones ignore Stop.
type testConn struct {
	c        *websocket.Conn
	stubborn bool
	stopped  chan struct{}
	once     sync.Once
}

func (t *testConn) Stop(*proto.Error) {
	t.once.Do(func() { close(t.stopped) })
	if !t.stubborn {
		t.c.Close()
	}
}

func (t *testConn) Kill() { t.c.Close() }

// TestConnsClose: Close stops every connection, waits for the handlers,
// kills those that ignore Stop when the context ends, and refuses new
// ones from then on.
func TestConnsClose(t *testing.T) {
	var conns Conns[*testConn]
	up := NewUpgrader(4096)
	var handlers sync.WaitGroup
	refused := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		tc := &testConn{c: c, stubborn: r.URL.Query().Has("stubborn"), stopped: make(chan struct{})}
		if !conns.Add(tc) {
			refused <- true
			c.Close()
			return
		}
		handlers.Add(1)
		defer handlers.Done()
		defer conns.Done(tc)
		for {
			if _, _, err := c.NextReader(); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	ws := "ws" + strings.TrimPrefix(srv.URL, "http")
	dial := func(q string) *websocket.Conn {
		c, _, err := websocket.DefaultDialer.Dial(ws+q, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	dial("/")
	dial("/?stubborn")
	deadline := time.Now().Add(5 * time.Second)
	for conns.Len() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if conns.Len() != 2 {
		t.Fatalf("%d connections registered, want 2", conns.Len())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := conns.Close(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want the deadline (one connection ignored Stop)", err)
	}
	if n := conns.Len(); n != 0 {
		t.Fatalf("%d connections left after Close", n)
	}
	dial("/")
	select {
	case <-refused:
	case <-time.After(5 * time.Second):
		t.Fatal("a connection after Close was not refused")
	}
	handlers.Wait()
}
