package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"proctor/internal/testredis"
	"proctor/sentinel/loadtest"
	"proctor/server/auth"
)

// BenchmarkClusterThroughput delivers the same load, 10 replayed
// Sentinels (320x240, 5 fps, 2 s GOPs) to 500 watchers of 2 (or 10)
// Sentinels each, once from one in-process node ("single") and once from
// an ingest node through Redis and two edge nodes ("cluster", watchers
// round robin on the edges), and reports the delivered throughput, the
// share of the expected segments delivered (and lost: neither delivered
// nor announced as skipped within the 10 s drain: on this shared machine
// the tail of a run is late by more than 3 s at times, which a shorter
// drain counts as lost), the segments the ingest
// node could not share through Redis, and the watchers' latency. The
// goal is cluster >= 70% of single; run both side by side, one iteration
// each:
//
//	go test -run x -bench ClusterThroughput/per=2 -benchtime 1x ./server/
func BenchmarkClusterThroughput(b *testing.B) {
	for _, per := range []int{2, 10} {
		for _, mode := range []string{"single", "cluster"} {
			b.Run(fmt.Sprintf("per=%d/%s", per, mode), func(b *testing.B) { benchThroughput(b, mode, per) })
		}
	}
}

func benchThroughput(b *testing.B, mode string, per int) {
	limits := func(c *Config) { c.MaxConnsPerIP = 100_000; c.Window = 10 * time.Second }
	var urls []string
	var signer *env
	if mode == "single" {
		e := startServer(b, limits)
		urls, signer = []string{e.http}, e
	} else {
		srv := testredis.Start(b)
		for i, node := range []string{"ingest1", "edge1", "edge2"} {
			e := startNodeAt(b, srv.Addr, node, 0, limits)
			if i == 0 {
				signer = e
			}
			urls = append(urls, e.http)
		}
	}
	for b.Loop() {
		r, err := loadtest.Run(context.Background(), loadtest.Config{Server: strings.Join(urls, ","),
			SentinelToken: func(id string) string { return signer.token(auth.RoleSentinel, id) },
			WatcherToken:  signer.token(auth.RoleProctor, "bench"),
			Sentinels:     10, Watchers: 500, PerWatcher: per, Duration: 10 * time.Second, Drain: 10 * time.Second,
			Width: 320, Height: 240, FPS: 5, GOP: 2 * time.Second, Prefix: "tp" + fmt.Sprint(time.Now().UnixNano()%1e6),
			InProcess: true})
		// Lost segments are a figure of the run here, not its end: what
		// the ingest node could not share through Redis is reported beside.
		if err != nil && !errors.Is(err, loadtest.ErrLost) {
			b.Fatal(err)
		}
		if cs, ok := signer.s.live.(clusterStatus); ok {
			_, dropped, failed := cs.RedisCounters()
			b.ReportMetric(float64(dropped+failed), "redis-unshared")
		}
		b.ReportMetric(float64(r.Lost)/float64(max(r.Expected, 1)), "lost-share")
		for _, n := range r.Nodes {
			b.Logf("node %s: %d subscriptions, delivered %d of %d, skipped %d, lost %d, dups %d",
				n.Server, n.Subscriptions, n.Delivered, n.Expected, n.Skipped, n.Lost, n.Dups)
		}
		secs := r.Duration.Seconds()
		b.ReportMetric(float64(r.DeliveredBytes)/secs/1e6, "deliv-MB/s")
		b.ReportMetric(float64(r.Delivered)/float64(max(r.Expected, 1)), "deliv-share")
		b.ReportMetric(float64(r.Latency.P50.Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(r.Latency.P99.Microseconds())/1000, "p99-ms")
		b.ReportMetric(r.ServerCPU, "cpu-cores")
	}
}
