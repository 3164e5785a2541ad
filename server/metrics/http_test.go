package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestInstrumentHTTP runs a real loopback server: requests are labelled
// by the route pattern (two session ids, one series), unmatched paths
// share one label, and a WebSocket upgrade still works through the
// middleware and is counted apart, not timed.
func TestInstrumentHTTP(t *testing.T) {
	r := NewRegistry(nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/sessions/{sid}", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "{}") })
	mux.HandleFunc("GET /v1/gone", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusGone) })
	up := websocket.Upgrader{}
	mux.HandleFunc("GET /v1/watch", func(w http.ResponseWriter, req *http.Request) {
		c, err := up.Upgrade(w, req, nil)
		if err != nil {
			return
		}
		c.WriteMessage(websocket.TextMessage, []byte("hi"))
		c.ReadMessage() // until the client closes
		c.Close()
	})
	srv := httptest.NewServer(r.InstrumentHTTP(mux))
	defer srv.Close()

	for _, p := range []string{"/v1/sessions/exam1", "/v1/sessions/exam2", "/v1/gone", "/nothing/here", "/or/here"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/watch", nil)
	if err != nil {
		t.Fatalf("upgrade through the middleware: %v", err)
	}
	if _, b, err := c.ReadMessage(); err != nil || string(b) != "hi" {
		t.Fatalf("read: %q %v", b, err)
	}
	c.Close()

	var body string
	for i := 0; i < 200; i++ { // the server counts the upgrade once its handler returns
		body = scrape(t, r)
		if strings.Contains(body, `proctor_http_websockets_total{route="GET /v1/watch"} 1`) {
			break
		}
		http.Get(srv.URL + "/v1/gone") // a round trip, to let the handler finish
	}
	for _, want := range []string{
		`proctor_http_request_duration_seconds_count{code="200",route="GET /v1/sessions/{sid}"} 2`,
		`proctor_http_request_duration_seconds_count{code="404",route="unmatched"} 2`,
		`code="410",route="GET /v1/gone"}`,
		`proctor_http_websockets_total{route="GET /v1/watch"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	for _, bad := range []string{"exam1", "/nothing/here", `route="GET /v1/watch",`, `code="101"`} {
		if strings.Contains(body, bad) {
			t.Errorf("scrape has %q", bad)
		}
	}
}
