package server

import (
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"proctor/internal/testpg"
	"proctor/internal/testredis"
	"proctor/server/auth"
)

// BenchmarkHistoryProxy fetches one stored segment from the node that
// holds it (direct) and through a node that streams it from there
// (proxied), reporting p50 and p99 per request; the difference is what the
// proxy adds (goal: under 2 ms on loopback).
func BenchmarkHistoryProxy(b *testing.B) {
	cl := lowLatencyClip(b)
	srv := testredis.Start(b)
	pg := testpg.NewDB(b)
	holder := startHistoryNode(b, srv, pg, "node-a")
	proxy := startHistoryNode(b, srv, pg, "node-b")
	ingestClip(b, holder, cl, "cam1", "benchexam", nil)
	tok := holder.token(auth.RoleProctor, "bench")
	const path = "/v1/sessions/benchexam/sentinels/cam1/segments/7"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for _, bc := range []struct {
		name string
		e    *env
	}{{"direct", holder}, {"proxied", proxy}} {
		b.Run(bc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				req, _ := http.NewRequest("GET", bc.e.http+path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("GET %s: %s, %v", path, resp.Status, err)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-us")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-us")
		})
	}
}
