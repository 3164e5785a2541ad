// Package metrics writes the server's metrics in the Prometheus text
// exposition format (version 0.0.4) without a client library: counters
// are atomic integers, gauges are functions read at scrape time.
package metrics
