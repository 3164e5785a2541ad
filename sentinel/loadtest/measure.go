package loadtest

import (
	"fmt"
	"io"
	"time"
)

type measure struct {
	at           time.Time
	server, self time.Duration
}

func measureStart(cfg *Config) measure {
	m := measure{at: time.Now()}
	m.self, _ = cpuTime(0)
	if cfg.ServerPID != 0 {
		m.server, _ = cpuTime(cfg.ServerPID)
	}
	return m
}

// measureEnd fills the CPU and memory figures since m.
func measureEnd(cfg *Config, m measure, r *Report) {
	wall := time.Since(m.at).Seconds()
	self, _ := cpuTime(0)
	r.ToolCPU = (self - m.self).Seconds() / wall
	r.ToolRSS, _, _ = memory(0)
	switch {
	case cfg.ServerPID != 0:
		srv, err := cpuTime(cfg.ServerPID)
		if err != nil {
			r.ServerMeasured = ""
			return
		}
		r.ServerCPU = (srv - m.server).Seconds() / wall
		r.ServerRSS, r.ServerPeak, _ = memory(cfg.ServerPID)
		r.ServerMeasured = fmt.Sprintf("pid %d", cfg.ServerPID)
	case cfg.InProcess:
		r.ServerCPU = r.ToolCPU
		r.ServerRSS, r.ServerPeak, _ = memory(0)
		r.ServerMeasured = "in-process: server and load tool together"
	}
}

// progress prints a status line every cfg.ProgressEvery until stopped.
func progress(cfg *Config, t0 time.Time, reps []*replayer, fs []*follower) (stop func()) {
	if cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(cfg.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				printProgress(cfg.Progress, t0, reps, fs)
			}
		}
	}()
	return func() { close(done); <-finished }
}

func printProgress(w io.Writer, t0 time.Time, reps []*replayer, fs []*follower) {
	var sent, delivered, skipped, lost, joined int64
	for _, rp := range reps {
		sent += rp.sent.Load()
	}
	for _, f := range fs {
		f.mu.Lock()
		delivered += f.delivered
		skipped += f.skipped
		lost += f.lost
		if f.have {
			joined++
		}
		f.mu.Unlock()
	}
	fmt.Fprintf(w, "%6.1fs  sent %d  delivered %d  skipped %d  lost %d  joined %d/%d\n",
		time.Since(t0).Seconds(), sent, delivered, skipped, lost, joined, len(fs))
}
