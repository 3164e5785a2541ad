package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

// shortHTTP gives the HTTP server timeouts short enough for tests.
func shortHTTP(c *Config) {
	c.HTTP.ReadHeaderTimeout = 300 * time.Millisecond
	c.HTTP.ReadTimeout = 300 * time.Millisecond
	c.HTTP.WriteTimeout = 300 * time.Millisecond
	c.HTTP.IdleTimeout = 300 * time.Millisecond
}

// closedWithin reports whether the server ends c (EOF or reset) within d,
// reading and dropping whatever it sends first.
func closedWithin(c net.Conn, d time.Duration) error {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("connection still open after %v", d)
	}
	return nil // EOF (err nil) or reset
}

// TestHTTPIdleKeepAliveClosed: a keep-alive connection that asks nothing
// more is closed after IdleTimeout (it stayed open forever: defect 4).
func TestHTTPIdleKeepAliveClosed(t *testing.T) {
	e := startServer(t, shortHTTP)
	c, err := net.Dial("tcp", strings.TrimPrefix(e.http, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("status %d close %v: want a kept-alive 200", resp.StatusCode, resp.Close)
	}
	if err := closedWithin(c, 3*time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestHTTPTrickledBody: a POST whose body trickles in is answered or cut
// within the read timeout, whether it is refused before its body is read
// (unauthenticated, too large) or read by the handler (held 40 s and never
// answered: defect 4).
func TestHTTPTrickledBody(t *testing.T) {
	e := startServer(t, shortHTTP)
	p := e.publish(t, "cam1", "s1")
	defer p.c.Close()
	tok := e.token(auth.RoleReviewer, "rev")
	cases := []struct {
		name   string
		length int
		auth   bool
	}{
		{"unauthenticated large", 100000, false},
		{"unauthenticated small", 1000, false},
		{"authenticated small", 1000, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", strings.TrimPrefix(e.http, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			hdr := ""
			if tc.auth {
				hdr = "Authorization: Bearer " + tok + "\r\n"
			}
			fmt.Fprintf(c, "POST /v1/sessions/s1/markers HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", hdr, tc.length)
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() { // 1 byte per 100 ms until told to stop or cut
				defer close(done)
				for {
					select {
					case <-stop:
						return
					case <-time.After(100 * time.Millisecond):
					}
					if _, err := c.Write([]byte(" ")); err != nil {
						return
					}
				}
			}()
			defer func() { close(stop); <-done }()
			c.SetReadDeadline(time.Now().Add(3 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("no answer and not cut within 3 s")
			}
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode < 400 {
					t.Fatalf("status %d: want an error", resp.StatusCode)
				}
			}
		})
	}
}

// TestHTTPConnCapPerAddress: past MaxConnsPerIP, a new connection from the
// same address is closed at once; closing one frees a slot.
func TestHTTPConnCapPerAddress(t *testing.T) {
	e := startServer(t, func(c *Config) { c.HTTP.MaxConnsPerIP = 2 })
	addr := strings.TrimPrefix(e.http, "http://")
	get := func(c net.Conn) error {
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	var open []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := get(c); err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
	}
	c3, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if err := get(c3); err == nil {
		t.Fatal("third connection from one address was served")
	}
	open[0].Close()
	var lastErr error
	for range 50 { // the server sees the close a moment later
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		lastErr = get(c)
		c.Close()
		if lastErr == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no slot after closing a connection: %v", lastErr)
}

// TestWebSocketOutlivesHTTPTimeouts: a watcher and a Sentinel stay
// connected far past every HTTP timeout, and segments still flow.
func TestWebSocketOutlivesHTTPTimeouts(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, shortHTTP)
	p := e.publish(t, "cam1", "s1")
	w := e.watch(t, "cam1")
	defer w.Close()
	time.Sleep(1500 * time.Millisecond) // 5x the HTTP timeouts
	p.sendInit(t, 1, cl.init)
	for i, s := range cl.segs[:10] {
		p.sendSeg(t, uint64(i), s)
	}
	r := collect(t, w, "cam1", 10)
	if err := inOrder(r.seqs, 0); err != nil {
		t.Fatal(err)
	}
}

// TestSlowMediaDownloadNotCut: media.mp4 read by a client that takes
// several write timeouts to read it all (at a steady pace, with a small
// receive buffer so that the server's writes block) arrives whole:
// WriteTimeout bounds each write, not the response.
func TestSlowMediaDownloadNotCut(t *testing.T) {
	cl := makeClip(t, "640x480", 3, "frag_keyframe", "-qp", "0")
	// A write timeout of 2 s: short against the download, long against
	// the stalls of a loaded machine (1 s cut this test there).
	const writeTimeout = 2 * time.Second
	e := startServer(t, func(c *Config) { shortHTTP(c); c.HTTP.WriteTimeout = writeTimeout })
	p := e.publish(t, "cam1", "s1")
	p.sendInit(t, 1, cl.init)
	// The clip over and over, to more than the 4 MiB a loopback socket's
	// send buffer takes without blocking the writer.
	const rounds = 12
	for i := range rounds * len(cl.segs) {
		p.sendSeg(t, uint64(i), cl.segs[i%len(cl.segs)])
	}
	p.c.WriteJSON(proto.End{Type: proto.TypeEnd})
	url := e.http + "/v1/sessions/s1/sentinels/cam1/media.mp4"
	tok := e.token(auth.RoleReviewer, "rev")
	want := waitMediaSize(t, url, tok, rounds*len(cl.segs))

	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 256<<10)
		})
	}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	pace := time.Duration(float64(5*time.Second) / float64(want/(64<<10)+1)) // about 5 s in all
	buf := make([]byte, 64<<10)
	got := 0
	start := time.Now()
	for {
		n, err := io.ReadFull(resp.Body, buf)
		got += n
		if err != nil {
			if got != want {
				t.Fatalf("read %d of %d bytes in %v: %v", got, want, time.Since(start), err)
			}
			break
		}
		time.Sleep(pace)
	}
	if took := time.Since(start); took < writeTimeout {
		t.Fatalf("download took %v: not slow enough to cross the timeouts", took)
	}
}

// waitMediaSize waits until media.mp4 has n segments stored and returns
// its length.
func waitMediaSize(t *testing.T, url, tok string, n int) int {
	t.Helper()
	for range 200 {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && resp.Header.Get("X-Proctor-Sequences") == fmt.Sprintf("0-%d", n-1) {
			return len(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("segments not stored")
	return 0
}
