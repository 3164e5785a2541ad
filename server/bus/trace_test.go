package bus

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Stages of a segment on the Redis relay path, in order.
const (
	stageSent      = iota // handed to Writer.Publish
	stageDequeued         // its batch left the writer's queue
	stageFlushed          // the batch's pipeline replies were in
	stageRead             // the XREAD that returned it came back
	stageDelivered        // decoded, handed to the edge's hub
	stageCursor           // read by the watcher's cursor
	stages
)

// relayTrace holds each segment's stage timestamps (Unix ns) so
// BenchmarkRelayLatency can say where the latency goes, measured.
type relayTrace struct {
	t [stages][][]atomic.Int64 // [stage][stream][seq]
}

func newRelayTrace(streams, n int) *relayTrace {
	tr := &relayTrace{}
	for s := range tr.t {
		tr.t[s] = make([][]atomic.Int64, streams)
		for i := range tr.t[s] {
			tr.t[s][i] = make([]atomic.Int64, n)
		}
	}
	return tr
}

func (tr *relayTrace) at(stage, stream int, seq uint64, ns int64) {
	if stream >= 0 && stream < len(tr.t[stage]) && seq < uint64(len(tr.t[stage][stream])) {
		tr.t[stage][stream][seq].Store(ns)
	}
}

// report logs p50/p99 of every stage-to-stage interval and reports the
// p50s as metrics.
func (tr *relayTrace) report(b *testing.B) {
	names := []string{"queue", "pipeline", "xread", "deliver", "hub"}
	from := []int{stageSent, stageDequeued, stageDequeued, stageRead, stageDelivered}
	to := []int{stageDequeued, stageFlushed, stageRead, stageDelivered, stageCursor}
	var line strings.Builder
	for k, name := range names {
		var d []time.Duration
		for i := range tr.t[0] {
			for q := range tr.t[0][i] {
				a, z := tr.t[from[k]][i][q].Load(), tr.t[to[k]][i][q].Load()
				if a != 0 && z != 0 {
					d = append(d, time.Duration(z-a))
				}
			}
		}
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		p50, p99 := d[len(d)/2], d[len(d)*99/100]
		b.ReportMetric(float64(p50.Microseconds()), name+"-p50-us")
		fmt.Fprintf(&line, " %s p50 %v p99 %v;", name, p50.Round(time.Microsecond), p99.Round(time.Microsecond))
	}
	b.Logf("stages:%s", line.String())
}

// streamIndex is i of the benchmark's Sentinel "cam<i>", -1 otherwise.
func streamIndex(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "cam"))
	if err != nil {
		return -1
	}
	return n
}
