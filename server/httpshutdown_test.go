package server

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// TestSlowHTTPClientDoesNotDelayShutdown: while a POST body trickles in
// (under a long read timeout), a shutdown tells the Sentinels at once,
// not after http.Server.Shutdown gave up waiting for the slow client.
func TestSlowHTTPClientDoesNotDelayShutdown(t *testing.T) {
	e := startServer(t, func(c *Config) { c.ShutdownTimeout = 5 * time.Second; c.HTTP.ReadTimeout = time.Minute })
	p := e.publish(t, "cam1", "s1")
	c, err := net.Dial("tcp", strings.TrimPrefix(e.http, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tok := e.token(auth.RoleReviewer, "rev")
	fmt.Fprintf(c, "POST /v1/sessions/s1/markers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{", tok)
	time.Sleep(100 * time.Millisecond) // the handler is reading the body
	start := time.Now()
	go e.cancel()
	p.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		typ, b, err := p.c.ReadMessage()
		if err != nil {
			t.Fatalf("no shutdown error: %v", err)
		}
		if m, _ := proto.DecodeMessage(b); typ == websocket.TextMessage && m != nil {
			if pe, ok := m.(*proto.Error); ok {
				if pe.Code != proto.CodeShutdown {
					t.Fatalf("error %s, want shutdown", pe.Code)
				}
				break
			}
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the Sentinel was told after %v: the slow HTTP client held the shutdown", took)
	}
}

// TestShutdownCutsSlowHTTPClient: an HTTP request still reading its body
// when the shutdown timeout passes is cut, not left to its read timeout.
func TestShutdownCutsSlowHTTPClient(t *testing.T) {
	e := startServer(t, func(c *Config) { c.ShutdownTimeout = 500 * time.Millisecond; c.HTTP.ReadTimeout = time.Minute })
	e.publish(t, "cam1", "s1")
	c, err := net.Dial("tcp", strings.TrimPrefix(e.http, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/sessions/s1/markers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{",
		e.token(auth.RoleReviewer, "rev"))
	time.Sleep(100 * time.Millisecond)
	e.stop(t)
	if err := closedWithin(c, 3*time.Second); err != nil {
		t.Fatal(err)
	}
}
