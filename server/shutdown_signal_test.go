package server

import (
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
)

// buildServer builds the server-only binary into a temporary folder.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "proctor")
	build := exec.Command("go", "build", "-tags", "serveronly", "-o", bin, "proctor")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs `proctor server` on a free loopback port and waits
// until it accepts connections.
func startBinary(t *testing.T, bin, data string, args ...string) (*exec.Cmd, *env) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append([]string{"server", "-addr", addr, "-data", data, "-log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "PROCTOR_SECRET="+string(testSecret))
	cmd.Stderr = testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	e := &env{ws: "ws://" + addr, http: "http://" + addr}
	e.signer, _ = newTestSigner()
	waitFor(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return cmd, e
}

// slowBody starts an unauthenticated POST that announces a large body and
// sends it one byte every 200 ms, until the server closes it.
func slowBody(t *testing.T, e *env) {
	t.Helper()
	c, err := net.Dial("tcp", e.http[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /v1/sessions/x/markers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
	go func() {
		for c.SetWriteDeadline(time.Now().Add(time.Second)) == nil {
			if _, err := c.Write([]byte(" ")); err != nil {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
}

// waitExit waits for cmd to end and returns how long that took.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-time.After(limit):
		t.Fatalf("still running %v after the signal", limit)
		return 0, nil
	}
}

// TestShutdownSignalEveryConnection (issue 10, defect 1): with one
// connection of every kind open (ingest, watch, seed publish, seed receive
// and probe on an idle channel, a slow HTTP body), SIGTERM ends the
// built binary within the shutdown timeout plus a second, and every
// segment it relayed (stored before fan-out) is in the store.
func TestShutdownSignalEveryConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	const timeout = 2 * time.Second
	cl := lowLatencyClip(t)
	stream := seedStream(t)
	bin := buildServer(t)
	data := t.TempDir()
	cmd, e := startBinary(t, bin, data, "-shutdown-timeout", timeout.String())

	w := e.watch(t, "cam1", "seedpub")
	p := e.publish(t, "cam1", "sd")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 20; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	relayed := collect(t, w, "cam1", 20)
	sp := e.seedDial(t, "seedpub", e.signer.StreamKey("seedpub"), seedPublish)
	defer sp.Close()
	sendCut(t, sp, stream[:len(stream)/2], rand.New(rand.NewSource(1)))
	seedRelayed := collect(t, w, "seedpub", 5)
	for _, kind := range []string{seedReceive, seedProbe} {
		c := e.seedDial(t, "idle", e.signer.StreamKey("idle"), kind)
		defer c.Close()
	}
	slowBody(t, e)
	go func() { // the Sentinel keeps sending while the server goes down
		for i := 20; i < len(cl.segs); i++ {
			if p.c.WriteMessage(websocket.BinaryMessage, segMsg("cam1", uint64(i), cl.segs[i])) != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	time.Sleep(200 * time.Millisecond)

	cmd.Process.Signal(syscall.SIGTERM)
	// The Sentinel is told why, although a slow request is still open.
	expectError(t, p.c, proto.CodeShutdown)
	took, err := waitExit(t, cmd, timeout+5*time.Second)
	if err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if took > timeout+time.Second {
		t.Fatalf("exited %v after SIGTERM, shutdown timeout %v", took, timeout)
	}

	e2 := startServer(t, func(c *Config) { c.DataDir = data })
	checkLog(t, e2, "sd", "cam1", len(relayed.seqs))
	sid, _, ok := e2.s.store.Last("seedpub")
	if !ok {
		t.Fatal("nothing stored of the seed publisher")
	}
	checkLog(t, e2, sid, "seedpub", len(seedRelayed.seqs))
}

// TestSecondSignalExitsAtOnce: a second SIGTERM during a graceful
// shutdown (held here by a slow request body and a 30 s timeout) ends
// the process at once instead of being swallowed.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildServer(t)
	cmd, e := startBinary(t, bin, t.TempDir(), "-shutdown-timeout", "30s")
	slowBody(t, e)
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(500 * time.Millisecond) // the graceful shutdown is under way
	cmd.Process.Signal(syscall.SIGTERM)
	if took, _ := waitExit(t, cmd, 10*time.Second); took > 2*time.Second {
		t.Fatalf("exited %v after the second SIGTERM", took)
	}
}
