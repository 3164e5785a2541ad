package server

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// Fan-out load of BenchmarkSeedFanout: 50 publishers, each watched by 20
// receivers, each publishing the ffmpeg clip's fragments fanRounds times.
const (
	fanPublishers = 50
	fanReceivers  = 20
	fanRounds     = 10
	fanTimeout    = 2 * time.Minute // a receiver that gets nothing this long has lost something
)

// fanResult is what the receivers of one run got, and what it cost.
type fanResult struct {
	bytes   int64 // fMP4 bytes delivered (init segments and fragments; no protocol header)
	frags   int64 // fragments delivered
	lost    int64 // fragments expected but not delivered
	badSeqs int64 // fragments out of order or repeated
	wall    time.Duration
	cpu     time.Duration // user+sys of the whole process: server and clients
}

func (r *fanResult) add(o fanResult) {
	r.bytes += o.bytes
	r.frags += o.frags
	r.lost += o.lost
	r.badSeqs += o.badSeqs
	r.wall += o.wall
	r.cpu += o.cpu
}

func (r fanResult) mbps() float64     { return float64(r.bytes) / 1e6 / r.wall.Seconds() }
func (r fanResult) cpuPerGB() float64 { return r.cpu.Seconds() / (float64(r.bytes) / 1e9) }

// cpuTime is the user+sys time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSeedFanout compares fan-out on the seed endpoint with the same
// load on /v1/watch: 50 publishers x 20 receivers of the same fragments.
// seed: each channel has 20 `receive` connections (1000 in all); watch:
// 20 watchers each subscribed to all 50 Sentinels, which publish through
// /v1/ingest. Reported: delivered MB/s (fMP4 bytes at the receivers) and
// CPU seconds per delivered GB, measured with getrusage over the delivery
// phase (ingest, storage, relay; the publishers and receivers run in the
// same process and are included).
func BenchmarkSeedFanout(b *testing.B) {
	cl := splitClip(b, seedStream(b))
	results := map[string]fanResult{}
	sides := []struct {
		name string
		run  func(*testing.B, *clip) fanResult
	}{{"seed", runSeedFanout}, {"watch", runWatchFanout}}
	for _, side := range sides {
		b.Run(side.name, func(b *testing.B) {
			var total fanResult
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				total.add(side.run(b, cl))
			}
			b.ReportMetric(total.mbps(), "MB/s")
			b.ReportMetric(total.cpuPerGB(), "CPU-s/GB")
			b.ReportMetric(float64(total.frags)/total.wall.Seconds(), "frags/s")
			b.ReportMetric(float64(total.lost), "lost")
			b.Logf("%s: %d fragments, %.1f MB delivered in %v, CPU %v (server and clients share the process)",
				side.name, total.frags, float64(total.bytes)/1e6, total.wall.Round(time.Millisecond), total.cpu.Round(time.Millisecond))
			if total.lost != 0 || total.badSeqs != 0 {
				b.Errorf("%s: %d fragments lost, %d out of order", side.name, total.lost, total.badSeqs)
			}
			results[side.name] = total
			s, okS := results["seed"]
			w, okW := results["watch"]
			if okS && okW && side.name == "watch" {
				b.Logf("seed/watch: throughput %.2f, CPU per GB %.2f (%.0f vs %.0f MB/s, %.2f vs %.2f CPU-s/GB; CPU includes the in-process clients)",
					s.mbps()/w.mbps(), s.cpuPerGB()/w.cpuPerGB(), s.mbps(), w.mbps(), s.cpuPerGB(), w.cpuPerGB())
			}
		})
	}
}

// fanoutServer starts a server whose window holds everything published
// faster than real time, so no receiver is skipped ahead.
func fanoutServer(b *testing.B) *env {
	return startServer(b, func(c *Config) {
		c.Window = 10 * time.Minute
		c.SeedIdle = 10 * time.Minute
		c.MaxConnsPerIP = 4096
		c.WriteTimeout = time.Minute
		c.HeartbeatEvery = time.Second
	})
}

func fanIDs() []string {
	ids := make([]string, fanPublishers)
	for i := range ids {
		ids[i] = fmt.Sprintf("fan-%02d", i)
	}
	return ids
}

// waitCursors waits until every stream has n open cursors: the receivers
// are subscribed before anything is published.
func waitCursors(b *testing.B, e *env, ids []string, n int) {
	deadline := time.Now().Add(time.Minute)
	for _, id := range ids {
		for {
			if st, ok := e.s.hub.Lookup(id); ok && st.Stats().Watchers == n {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("stream %s: receivers not subscribed", id)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// clipBytes is the fMP4 size of the stream one receiver should get.
func clipBytes(cl *clip) int64 {
	n := int64(len(cl.init))
	for _, s := range cl.segs {
		n += int64(len(s.payload)) * fanRounds
	}
	return n
}

// drain reads and discards messages until the connection ends.
func drain(c *websocket.Conn) {
	for {
		if _, _, err := c.NextReader(); err != nil {
			return
		}
	}
}

// measure runs send (which starts the publishers) and waits for the
// receivers (done), timing the phase in wall clock and process CPU.
func measure(b *testing.B, send func(), done *sync.WaitGroup) (wall, cpu time.Duration) {
	cpu0, t0 := cpuTime(), time.Now()
	b.StartTimer()
	send()
	done.Wait()
	b.StopTimer()
	return time.Since(t0), cpuTime() - cpu0
}

func runSeedFanout(b *testing.B, cl *clip) fanResult {
	e := fanoutServer(b)
	defer e.stop(b)
	ids := fanIDs()
	wantFrags := int64(len(cl.segs) * fanRounds)
	counts := make([]fanResult, fanPublishers*fanReceivers)
	var done, readers sync.WaitGroup
	for p, id := range ids {
		key := e.streamKey(b, id, auth.StreamReceive)
		for r := range fanReceivers {
			c := e.seedDial(b, id, key, seedReceive)
			defer c.Close()
			cnt := &counts[p*fanReceivers+r]
			done.Add(1)
			readers.Add(1)
			go func() {
				defer readers.Done()
				readSeed(c, cnt, wantFrags, &done)
			}()
		}
	}
	waitCursors(b, e, ids, fanReceivers)
	pubs := make([]*websocket.Conn, len(ids))
	for i, id := range ids {
		pubs[i] = e.seedDial(b, id, e.streamKey(b, id, auth.StreamPublish), seedPublish)
		defer pubs[i].Close()
	}
	var senders sync.WaitGroup
	send := func() {
		for _, c := range pubs {
			senders.Add(1)
			go func() {
				defer senders.Done()
				// Each unit as one message; the clip again and again, as one stream.
				if c.WriteMessage(websocket.BinaryMessage, cl.init) != nil {
					return
				}
				for range fanRounds {
					for _, s := range cl.segs {
						if c.WriteMessage(websocket.BinaryMessage, s.payload) != nil {
							return
						}
					}
				}
			}()
		}
	}
	var res fanResult
	res.wall, res.cpu = measure(b, send, &done)
	senders.Wait()
	for _, c := range pubs { // end publishing: the receivers are closed by the server
		c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		drain(c)
	}
	readers.Wait()
	want := clipBytes(cl)
	for _, c := range counts {
		res.bytes += c.bytes
		res.frags += c.frags
		res.lost += wantFrags - c.frags
		if c.bytes != want && c.frags == wantFrags {
			res.badSeqs++ // all fragments but not the same bytes
		}
	}
	return res
}

// readSeed counts what one seed receiver gets: an init segment, then
// fragments, cut into messages anywhere. It calls done.Done once it has
// want fragments (or the connection ended) and reads on until the server
// closes.
func readSeed(c *websocket.Conn, cnt *fanResult, want int64, done *sync.WaitGroup) {
	finished := false
	finish := func() {
		if !finished {
			finished = true
			done.Done()
		}
	}
	defer finish()
	c.SetReadDeadline(time.Now().Add(fanTimeout))
	var buf bytes.Buffer
	var boxes boxCounter
	for {
		typ, r, err := c.NextReader()
		if err != nil {
			return
		}
		if typ != websocket.BinaryMessage {
			continue // "h"
		}
		buf.Reset()
		buf.ReadFrom(r)
		cnt.bytes += int64(buf.Len())
		boxes.feed(buf.Bytes())
		cnt.frags, cnt.badSeqs = boxes.moofs, boxes.bad
		if cnt.frags == want {
			finish()
		}
	}
}

// boxCounter walks the top-level boxes of an fMP4 byte stream delivered
// in pieces, counting fragments (moof) and anything out of place.
type boxCounter struct {
	hdr   [8]byte
	nh    int   // bytes of hdr filled
	skip  int64 // bytes of the current box still to pass
	moofs int64
	bad   int64 // an init after media, or an unexpected box
}

func (bc *boxCounter) feed(p []byte) {
	for len(p) > 0 {
		if bc.skip > 0 {
			n := min(int64(len(p)), bc.skip)
			p, bc.skip = p[n:], bc.skip-n
			continue
		}
		k := copy(bc.hdr[bc.nh:], p)
		bc.nh, p = bc.nh+k, p[k:]
		if bc.nh < 8 {
			return
		}
		bc.nh = 0
		size := int64(binary.BigEndian.Uint32(bc.hdr[:4]))
		switch string(bc.hdr[4:8]) {
		case "ftyp":
			if bc.moofs != 0 {
				bc.bad++
			}
		case "moof":
			bc.moofs++
		case "moov", "mdat":
		default:
			bc.bad++
		}
		if size < 8 {
			bc.bad++
			return
		}
		bc.skip = size - 8
	}
}

func runWatchFanout(b *testing.B, cl *clip) fanResult {
	e := fanoutServer(b)
	defer e.stop(b)
	ids := fanIDs()
	wantFrags := int64(len(cl.segs) * fanRounds)
	counts := make([][]fanResult, fanReceivers) // per watcher, per Sentinel
	var done, readers sync.WaitGroup
	watchers := make([]*websocket.Conn, fanReceivers)
	for w := range fanReceivers {
		c := e.watch(b, ids...)
		watchers[w] = c
		counts[w] = make([]fanResult, len(ids))
		done.Add(1)
		readers.Add(1)
		go func() {
			defer readers.Done()
			readWatch(c, ids, counts[w], wantFrags, &done)
		}()
	}
	waitCursors(b, e, ids, fanReceivers)
	// The same fragments as binary messages, numbered and timed as one
	// stream per Sentinel, built before the clock starts.
	pubs := make([]*pub, len(ids))
	msgs := make([][][]byte, len(ids))
	for i, id := range ids {
		p := e.publish(b, id, "")
		pubs[i] = p
		go drain(p.c) // control messages
		msgs[i] = append(msgs[i], proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: id, Seq: 1}, cl.init))
		seq, at := p.welcome.Next, time.Now().UnixMicro()
		for range fanRounds {
			for _, s := range cl.segs {
				h := proto.Header{Kind: proto.KindMedia, Sentinel: id, Seq: seq, Time: at, Duration: s.dur}
				if s.key {
					h.Flags = proto.FlagKeyframe
				}
				msgs[i] = append(msgs[i], proto.Marshal(h, s.payload))
				seq, at = seq+1, at+int64(s.dur)
			}
		}
	}
	var senders sync.WaitGroup
	send := func() {
		for i, p := range pubs {
			senders.Add(1)
			go func() {
				defer senders.Done()
				for _, m := range msgs[i] {
					if p.c.WriteMessage(websocket.BinaryMessage, m) != nil {
						return
					}
				}
			}()
		}
	}
	var res fanResult
	res.wall, res.cpu = measure(b, send, &done)
	senders.Wait()
	for _, p := range pubs {
		p.c.Close()
	}
	for _, c := range watchers {
		c.Close()
	}
	readers.Wait()
	want := clipBytes(cl)
	for w := range counts {
		for _, c := range counts[w] {
			res.bytes += c.bytes
			res.frags += c.frags
			res.lost += wantFrags - c.frags
			res.badSeqs += c.badSeqs
			if c.bytes != want && c.frags == wantFrags {
				res.badSeqs++
			}
		}
	}
	return res
}

// readWatch counts what one watcher gets of each Sentinel. It calls
// done.Done once it has want fragments of every one (or the connection
// ended) and reads on until the connection is closed.
func readWatch(c *websocket.Conn, ids []string, cnt []fanResult, want int64, done *sync.WaitGroup) {
	finished := false
	finish := func() {
		if !finished {
			finished = true
			done.Done()
		}
	}
	defer finish()
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	next := make([]uint64, len(ids))
	complete := 0
	c.SetReadDeadline(time.Now().Add(fanTimeout))
	var buf bytes.Buffer
	for {
		typ, r, err := c.NextReader()
		if err != nil {
			return
		}
		if typ != websocket.BinaryMessage {
			continue // sentinel events
		}
		buf.Reset()
		buf.ReadFrom(r)
		h, payload, err := proto.Decode(buf.Bytes())
		if err != nil {
			cnt[0].badSeqs++
			continue
		}
		i, ok := index[h.Sentinel]
		if !ok {
			continue
		}
		x := &cnt[i]
		x.bytes += int64(len(payload))
		if h.Kind == proto.KindInit {
			continue
		}
		if h.Seq != next[i] {
			x.badSeqs++
		}
		next[i] = h.Seq + 1
		if x.frags++; x.frags == want {
			if complete++; complete == len(ids) {
				finish()
			}
		}
	}
}
