package server

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/internal/testmedia"
	"proctor/server/auth"
)

// The real-time load of BenchmarkSeedPeer, as issue 10 part D measured
// it: 50 publishers of about 100 KB fragments at 10 a second, each
// received by 20 seed receivers.
const (
	peerPublishers = 50
	peerReceivers  = 20
	peerRate       = 10 // fragments a second per publisher
	peerSeconds    = 10 // publishing time per round
)

// BenchmarkSeedPeer runs a real-time seed fan-out against server
// processes and reports the CPU each server process spent per delivered
// GB (from /proc, so the in-process publishers and receivers do not
// count): this tree's `proctor server` binary (storage on); when
// PROCTOR_SEED_BASE names another build of it (say of main), that one;
// and when PROCTOR_SEED_PEER names the binary of the seed protocol's own
// server (ws-stream-server, which stores nothing), that one: in
// alternating rounds under the same load and machine, so the ratios are
// side by side.
func BenchmarkSeedPeer(b *testing.B) {
	cl := splitClip(b, testmedia.Encode(b, testmedia.Options{Size: "1280x720", FPS: peerRate, GOP: 2 * peerRate,
		Seconds: 4, Movflags: "frag_every_frame",
		Extra: []string{"-preset", "ultrafast", "-b:v", "8M", "-minrate", "8M", "-maxrate", "8M", "-bufsize", "2M"}}))
	sides := []peerServer{proctorServer("proctor", buildProctor(b))}
	if bin := os.Getenv("PROCTOR_SEED_BASE"); bin != "" {
		sides = append(sides, proctorServer("base", bin))
	}
	if bin := os.Getenv("PROCTOR_SEED_PEER"); bin != "" {
		sides = append(sides, seedPeerProcess(bin))
	} else {
		b.Log("PROCTOR_SEED_PEER unset: this server only")
	}
	totals := make([]fanResult, len(sides))
	for i := 0; i < b.N; i++ {
		for k, side := range sides {
			totals[k].add(runPeerRound(b, side, cl))
		}
	}
	var frag int64
	for _, s := range cl.segs {
		frag += int64(len(s.payload))
	}
	b.Logf("fragments of %d bytes on average", frag/int64(len(cl.segs)))
	for k, side := range sides {
		t := totals[k]
		b.ReportMetric(t.cpuPerGB(), side.name+"-CPU-s/GB")
		b.ReportMetric(t.mbps(), side.name+"-MB/s")
		b.ReportMetric(float64(t.lost), side.name+"-lost")
		b.Logf("%s: %d fragments, %.0f MB delivered, server CPU %v, %.3f CPU-s/GB", side.name, t.frags, float64(t.bytes)/1e6, t.cpu.Round(time.Millisecond), t.cpuPerGB())
	}
	for k, side := range sides[1:] {
		b.ReportMetric(totals[0].cpuPerGB()/totals[k+1].cpuPerGB(), "proctor/"+side.name+"-CPU")
	}
}

// peerServer starts one server for a round.
type peerServer struct {
	name  string
	start func(b *testing.B) peerRun
	key   func(channel, kind string) string
}

// peerRun is a started server: its address, the process whose CPU counts,
// and how to stop it.
type peerRun struct {
	addr string
	pid  int
	stop func()
}

// startProcess runs cmd as the server of a round, listening on addr.
func startProcess(b *testing.B, cmd *exec.Cmd, addr string) peerRun {
	cmd.Stderr = testWriter{b}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	return peerRun{addr: addr, pid: cmd.Process.Pid, stop: func() { cmd.Process.Kill(); cmd.Wait() }}
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// buildProctor builds this tree's server-only binary.
func buildProctor(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "proctor")
	build := exec.Command("go", "build", "-tags", "serveronly", "-o", bin, "proctor")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// proctorServer runs `bin server` with storage on, as deployed.
func proctorServer(name, bin string) peerServer {
	signer, _ := newTestSigner()
	key := func(channel, kind string) string {
		k := auth.StreamReceive
		if kind == seedPublish {
			k = auth.StreamPublish
		}
		s, _ := signer.StreamKey(channel, k, time.Time{})
		return s
	}
	return peerServer{name: name, key: key, start: func(b *testing.B) peerRun {
		addr := freeAddr(b)
		cmd := exec.Command(bin, "server", "-addr", addr, "-data", b.TempDir(), "-log-level", "warn",
			"-max-conns-per-ip", "4096", "-write-timeout", "1m")
		cmd.Env = append(os.Environ(), "PROCTOR_SECRET="+string(testSecret))
		return startProcess(b, cmd, addr)
	}}
}

// seedPeerProcess runs the seed protocol's own server, which takes any key.
func seedPeerProcess(bin string) peerServer {
	return peerServer{name: "peer", key: func(string, string) string { return "k" }, start: func(b *testing.B) peerRun {
		addr := freeAddr(b)
		_, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(bin)
		cmd.Dir = b.TempDir()
		cmd.Env = append(os.Environ(), "BIND_ADDRESS=127.0.0.1", "HTTP_PORT="+port, "SSL_PORT=0",
			"LOG_REQUESTS=NO", "CONCURRENT_LIMIT_WHITELIST=*", "DISABLE_TEST_CLIENT=YES")
		return startProcess(b, cmd, addr)
	}}
}

// runPeerRound starts side's process, subscribes the receivers, publishes
// in real time and measures the server process's CPU over the delivery.
func runPeerRound(b *testing.B, side peerServer, cl *clip) fanResult {
	run := side.start(b)
	defer run.stop()
	url := "ws://" + run.addr
	dial := func(id, kind string) *websocket.Conn {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			c, _, err := websocket.DefaultDialer.Dial(url+"/"+id+"/"+side.key(id, kind)+"/"+kind, nil)
			if err == nil {
				return c
			}
			if time.Now().After(deadline) {
				b.Fatalf("%s: dial %s: %v", side.name, kind, err)
			}
		}
	}
	frags := int64(peerRate * peerSeconds)
	counts := make([]fanResult, peerPublishers*peerReceivers)
	var done, readers sync.WaitGroup
	for p := range peerPublishers {
		id := fmt.Sprintf("peer-%02d", p)
		for r := range peerReceivers {
			c := dial(id, seedReceive)
			defer c.Close()
			done.Add(1)
			readers.Add(1)
			go func() {
				defer readers.Done()
				readSeed(c, &counts[p*peerReceivers+r], frags, &done)
			}()
		}
	}
	time.Sleep(time.Second) // the receivers wait for their publishers
	pubs := make([]*websocket.Conn, peerPublishers)
	for p := range pubs {
		pubs[p] = dial(fmt.Sprintf("peer-%02d", p), seedPublish)
		defer pubs[p].Close()
	}
	cpu0, t0 := procCPU(b, run.pid), time.Now()
	var senders sync.WaitGroup
	for p, c := range pubs {
		senders.Add(1)
		go func() {
			defer senders.Done()
			if c.WriteMessage(websocket.BinaryMessage, cl.init) != nil {
				return
			}
			// Spread the publishers over one period; then one fragment
			// each 1/peerRate s, as a camera sends them.
			start := t0.Add(time.Duration(p) * time.Second / peerRate / peerPublishers)
			for i := range frags {
				time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / peerRate)))
				if c.WriteMessage(websocket.BinaryMessage, cl.segs[int(i)%len(cl.segs)].payload) != nil {
					return
				}
			}
		}()
	}
	senders.Wait()
	done.Wait()
	res := fanResult{wall: time.Since(t0), cpu: procCPU(b, run.pid) - cpu0}
	for _, c := range pubs {
		c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	}
	run.stop()
	readers.Wait()
	for _, c := range counts {
		res.bytes += c.bytes
		res.frags += c.frags
		res.lost += frags - c.frags
	}
	return res
}

// procCPU is the user+system time of process pid so far, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The command name (field 2) may hold spaces: count from after it.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
