package loadtest

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// Report is the outcome of a load test.
type Report struct {
	Sentinels, Watchers, PerWatcher int
	Duration                        time.Duration // publishing phase
	Picture                         string        // "1280x720 5 fps GOP 2s"

	Sent           int64 // segments the replayed Sentinels handed to their publishers
	SentBytes      int64
	Dropped        int64 // dropped by publisher backlogs
	Expected       int64 // segments the subscriptions should have had
	Delivered      int64
	Skipped        int64 // announced by the server (watcher too slow)
	Lost           int64 // neither delivered nor announced
	Dups           int64
	DeliveredBytes int64

	Join, Latency Percentiles

	// Ingest and Nodes are set when the run used several servers: the one
	// the Sentinels published to and the figures of each watchers' node.
	Ingest string
	Nodes  []NodeReport

	// CPU is a fraction of one core over the run; Mem in bytes.
	ServerCPU             float64
	ServerRSS, ServerPeak int64
	ServerMeasured        string // "pid 123", "in-process (server + tool)", or "" when not measured
	ToolCPU               float64
	ToolRSS               int64
	ClipFrames            int
}

// Percentiles of a set of durations.
type Percentiles struct {
	N             int
	P50, P95, P99 time.Duration
	Max           time.Duration
}

func percentiles(d []time.Duration) Percentiles {
	if len(d) == 0 {
		return Percentiles{}
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return Percentiles{N: len(d), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: d[len(d)-1]}
}

func (p Percentiles) String() string {
	if p.N == 0 {
		return "-"
	}
	r := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	return fmt.Sprintf("%s / %s / %s (max %s, n=%d)", r(p.P50), r(p.P95), r(p.P99), r(p.Max), p.N)
}

// WriteTable prints the report as a two-column table.
func (r Report) WriteTable(w io.Writer) {
	secs := r.Duration.Seconds()
	row := func(k, format string, a ...any) { fmt.Fprintf(w, "  %-28s "+format+"\n", append([]any{k}, a...)...) }
	fmt.Fprintf(w, "load test: %d sentinels, %d watchers x %d subscriptions, %v, %s\n",
		r.Sentinels, r.Watchers, r.PerWatcher, r.Duration, r.Picture)
	row("segments sent", "%d (%.1f/s, %s/s)", r.Sent, float64(r.Sent)/secs, bytesString(float64(r.SentBytes)/secs))
	row("segments dropped (backlog)", "%d", r.Dropped)
	row("segments delivered", "%d of %d expected (%.1f/s, %s/s)", r.Delivered, r.Expected,
		float64(r.Delivered)/secs, bytesString(float64(r.DeliveredBytes)/secs))
	row("segments skipped", "%d", r.Skipped)
	row("segments lost", "%d", r.Lost)
	row("duplicates", "%d", r.Dups)
	row("join time p50/p95/p99", "%s", r.Join)
	row("relay latency p50/p95/p99", "%s", r.Latency)
	r.writeNodes(w, row)
	if r.ServerMeasured != "" {
		row("server CPU", "%.1f%% of one core (%s)", 100*r.ServerCPU, r.ServerMeasured)
		row("server memory", "RSS %s, peak %s", bytesString(float64(r.ServerRSS)), bytesString(float64(r.ServerPeak)))
	} else {
		row("server CPU and memory", "not measured (give --server-pid)")
	}
	if r.ServerMeasured == "" || r.ServerMeasured[0] == 'p' {
		row("load tool CPU", "%.1f%% of one core, RSS %s", 100*r.ToolCPU, bytesString(float64(r.ToolRSS)))
	}
}

func bytesString(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}
