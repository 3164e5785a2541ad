// Package metrics is the server's Prometheus instrumentation, built on
// github.com/prometheus/client_golang: a private registry per Server
// (tests start many servers in one process, and a global registry would
// mix their numbers and panic on the second registration), the Go runtime
// and process collectors, thin typed wrappers that keep the call sites of
// the hot paths small (Counter.Add takes the int64 the callers have), and
// an HTTP middleware that times requests by their route pattern.
package metrics
