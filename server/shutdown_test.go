package server

import (
	"context"
	"errors"
	"fmt"
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

// checkLog checks that a stream holds exactly sequences 0..n-1.
func checkLog(t *testing.T, e *env, sid, id string, atLeast int) int {
	t.Helper()
	recs, err := e.s.store.Segments(sid, id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r.Seq != uint64(i) {
			t.Fatalf("record %d has sequence %d: gap or duplicate", i, r.Seq)
		}
	}
	if len(recs) < atLeast {
		t.Fatalf("%d segments stored, want at least %d", len(recs), atLeast)
	}
	return len(recs)
}

// TestGracefulShutdown: Sentinels are told "shutdown", nothing received is
// lost, and after a restart the Sentinel resumes at next with no gap.
func TestGracefulShutdown(t *testing.T) {
	cl := lowLatencyClip(t)
	cfg := testConfig(t.TempDir())
	e := startServerConfig(t, cfg)
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "sd")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 20; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	collect(t, w, "cam1", 20)
	sent := make(chan int, 1)
	go func() { // keep publishing while the server goes down
		i := 20
		for ; i < 10000; i++ {
			if p.c.WriteMessage(websocket.BinaryMessage, segMsg("cam1", uint64(i), cl.segs[i%len(cl.segs)])) != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		sent <- i
	}()
	time.Sleep(50 * time.Millisecond)
	e.cancel()
	expectError(t, p.c, proto.CodeShutdown)
	<-sent
	e.stop(t)

	e2 := startServerConfig(t, cfg)
	stored := checkLog(t, e2, "sd", "cam1", 20)
	p2 := e2.publish(t, "cam1", "sd")
	if p2.welcome.Next != uint64(stored) || p2.welcome.Generation != 1 {
		t.Fatalf("welcome %+v after restart, %d stored", p2.welcome, stored)
	}
	for i := stored; i < stored+10; i++ {
		p2.sendSeg(t, uint64(i), cl.segs[i%len(cl.segs)])
	}
	p2.c.WriteJSON(proto.End{Type: proto.TypeEnd})
	waitFor(t, func() bool {
		s, err := e2.s.meta.Session(context.Background(), "sd")
		return err == nil && s.State == proto.SessionClosed
	})
	checkLog(t, e2, "sd", "cam1", stored+10)
}

// TestCrashRestart builds the server binary, kills it with SIGKILL during
// ingest and restarts it: every segment it had relayed (stored before
// fan-out) is still served, the Sentinel resumes at next, and the log has
// no gap.
func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cl := lowLatencyClip(t)
	bin := filepath.Join(t.TempDir(), "proctor")
	build := exec.Command("go", "build", "-tags", "serveronly", "-o", bin, "proctor")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	run := func() *exec.Cmd {
		cmd := exec.Command(bin, "server", "-addr", addr, "-data", data, "-log-level", "warn")
		cmd.Env = append(os.Environ(), "PROCTOR_SECRET="+string(testSecret))
		cmd.Stderr = testWriter{t}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	e := &env{ws: "ws://" + addr, http: "http://" + addr}
	e.signer, _ = newTestSigner()
	waitUp := func() {
		waitFor(t, func() bool {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
	}
	cmd := run()
	waitUp()
	w := e.watch(t, "cam1")
	p := e.publish(t, "cam1", "crash")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 30; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	relayed := collect(t, w, "cam1", 30)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	run()
	waitUp()
	p = e.publish(t, "cam1", "crash")
	if p.welcome.Next < uint64(len(relayed.seqs)) || p.welcome.Generation != 1 {
		t.Fatalf("welcome %+v after the crash, %d segments were relayed", p.welcome, len(relayed.seqs))
	}
	next := int(p.welcome.Next)
	for i := next; i < next+10; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i%len(cl.segs)])
	}
	w = e.watch(t, "cam1")
	collect(t, w, "cam1", 1) // the new segments are flowing
	for i := 0; i < next+10; i++ {
		waitFor(t, func() bool { return fetchSegment(e, "crash", "cam1", i) == nil })
	}
}

func fetchSegment(e *env, sid, id string, seq int) error {
	url := fmt.Sprintf("%s/v1/sessions/%s/sentinels/%s/segments/%d", e.http, sid, id, seq)
	tok := e.signer.Sign(reviewerClaims())
	resp, err := httpDo(url, tok)
	if err != nil {
		return err
	}
	if resp != 200 {
		return errors.New("not served")
	}
	return nil
}
