package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"proctor/client"
	"proctor/proto"
)

// Run runs a load test and returns its report. The error wraps ErrLost
// when any segment was lost; the report is complete then too.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	r := Report{Sentinels: cfg.Sentinels, Watchers: cfg.Watchers, PerWatcher: cfg.PerWatcher,
		Picture: fmt.Sprintf("%dx%d %g fps GOP %v", cfg.Width, cfg.Height, cfg.FPS, cfg.GOP)}
	if cfg.LowLatency {
		r.Picture += " low-latency"
	}
	if err := checkServers(ctx, &cfg); err != nil {
		return r, err
	}
	ingest := cfg.Servers[0]
	if len(cfg.Servers) > 1 {
		r.Ingest = ingest
	}
	c, err := encodeClip(&cfg)
	if err != nil {
		return r, err
	}
	var idb [4]byte
	rand.Read(idb[:])
	runID := hex.EncodeToString(idb[:])

	// Publishers: connect them all before anything is measured. Each keeps
	// 1 MiB (a few GOPs) for a resume: the run loads the relay, not the
	// publishers' memory.
	pctx, stopPubs := context.WithCancel(context.Background())
	defer stopPubs()
	var pubWG sync.WaitGroup
	reps := make([]*replayer, cfg.Sentinels)
	pubErr := make(chan error, cfg.Sentinels)
	for i := range reps {
		id := fmt.Sprintf("%s-%d", cfg.Prefix, i)
		rp := &replayer{id: id, session: fmt.Sprintf("%s-%s-%d", cfg.Prefix, runID, i)}
		rp.pub = client.NewPublisher(client.Config{Server: ingest, Token: cfg.SentinelToken(id), Log: cfg.Log},
			proto.Hello{Sentinel: id, Session: rp.session, Source: proto.SourceTest, Details: map[string]string{"load": runID}},
			client.PublishOptions{})
		reps[i] = rp
		pubWG.Add(1)
		go func() {
			defer pubWG.Done()
			if err := rp.pub.Run(pctx); err != nil && pctx.Err() == nil {
				pubErr <- fmt.Errorf("sentinel %s: %w", rp.id, err)
			}
		}()
	}
	defer func() { stopPubs(); pubWG.Wait() }()
	if err := waitConnected(ctx, reps, pubErr); err != nil {
		return r, err
	}

	// Replay, then watchers.
	rctx, stopReplay := context.WithCancel(ctx)
	defer stopReplay()
	var repWG sync.WaitGroup
	segDur := c.segs[0].dur
	for i, rp := range reps {
		repWG.Add(1)
		go func() {
			defer repWG.Done()
			if err := rp.run(rctx, c, segDur*time.Duration(i)/time.Duration(len(reps))); err != nil {
				pubErr <- fmt.Errorf("sentinel %s: %w", rp.id, err)
			}
		}()
	}
	defer func() { stopReplay(); repWG.Wait() }()

	// Subscribe once every stream has a keyframe at the server, so the
	// join time is the time to the first picture of a live stream.
	for deadline := time.Now().Add(2*segDur + 5*time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if allSent(reps) || ctx.Err() != nil {
			break
		}
	}
	m0 := measureStart(&cfg)
	t0 := time.Now()
	watchers, followers := subscribe(&cfg, reps)
	var watchWG sync.WaitGroup
	wctx, stopWatch := context.WithCancel(context.Background())
	for _, w := range watchers {
		watchWG.Add(1)
		go func() { defer watchWG.Done(); w.Run(wctx) }()
	}
	for _, f := range followers {
		watchWG.Add(1)
		go func() { defer watchWG.Done(); f.read() }()
	}
	defer func() {
		stopWatch()
		for _, w := range watchers {
			w.Close()
		}
		watchWG.Wait()
	}()

	stopProgress := progress(&cfg, t0, reps, followers)
	var runErr error
	select {
	case <-ctx.Done():
	case <-time.After(cfg.Duration):
	case runErr = <-pubErr:
	}
	stopReplay()
	repWG.Wait()
	r.Duration = time.Since(t0).Round(time.Millisecond)

	// Drain: wait until every subscription has its Sentinel's last segment.
	last := make(map[string]uint64, len(reps))
	lastOK := make(map[string]bool, len(reps))
	for _, rp := range reps {
		st := rp.pub.Stats()
		if st.Segments > 0 {
			last[rp.id], lastOK[rp.id] = st.Next-1, true
		}
		r.Sent += rp.sent.Load()
		r.SentBytes += rp.bytes.Load()
	}
	deadline := time.Now().Add(cfg.Drain)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		done := true
		for _, f := range followers {
			if lastOK[f.id] && !f.caughtUp(last[f.id]) {
				done = false
				break
			}
		}
		if done {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopProgress()
	measureEnd(&cfg, m0, &r)
	for _, rp := range reps {
		r.Dropped += rp.pub.Stats().Dropped
	}
	endPublishers(reps)

	var joins, lats []time.Duration
	nodes := newNodeTally(&cfg)
	for _, f := range followers {
		f.tail(last[f.id], lastOK[f.id])
		f.mu.Lock()
		if !f.have && lastOK[f.id] {
			f.lost += f.sentSince(reps)
		}
		r.Delivered += f.delivered
		r.DeliveredBytes += f.bytes
		r.Skipped += f.skipped
		r.Lost += f.lost
		r.Dups += f.dups
		if f.have {
			joins = append(joins, f.join)
		}
		lats = append(lats, f.latency...)
		nodes.add(f)
		f.mu.Unlock()
	}
	r.Nodes = nodes.report()
	r.Expected = r.Delivered + r.Skipped + r.Lost
	r.Join, r.Latency = percentiles(joins), percentiles(lats)
	r.ClipFrames = len(c.segs)
	if runErr != nil {
		return r, runErr
	}
	if r.Lost > 0 {
		return r, fmt.Errorf("%w: %d of %d", ErrLost, r.Lost, r.Expected)
	}
	return r, nil
}

// checkServers asks every server of the list for its health, so a run
// does not start with a node missing.
func checkServers(ctx context.Context, cfg *Config) error {
	for _, u := range cfg.Servers {
		hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := client.NewHistory(client.Config{Server: u, Log: cfg.Log}).Health(hctx)
		cancel()
		if err != nil {
			return fmt.Errorf("server %s: %w", u, err)
		}
	}
	return nil
}

func allSent(reps []*replayer) bool {
	for _, rp := range reps {
		if rp.sent.Load() == 0 {
			return false
		}
	}
	return true
}

// waitConnected waits until every publisher had a welcome.
func waitConnected(ctx context.Context, reps []*replayer, pubErr <-chan error) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		n := 0
		var lastErr string
		for _, rp := range reps {
			st := rp.pub.Stats()
			if st.Connects > 0 {
				n++
			} else if st.LastError != "" {
				lastErr = st.LastError
			}
		}
		if n == len(reps) {
			return nil
		}
		select {
		case err := <-pubErr:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d sentinels connected in 15 s (last error: %s)", n, len(reps), lastErr)
		}
	}
}

// subscribe makes the watchers and their subscriptions, PerWatcher
// Sentinels each, spread evenly.
func subscribe(cfg *Config, reps []*replayer) ([]*client.Watcher, []*follower) {
	var ws []*client.Watcher
	var fs []*follower
	for w := 0; w < cfg.Watchers; w++ {
		node := cfg.edgeOf(w)
		wc := client.NewWatcher(client.Config{Server: cfg.edges()[node], Token: cfg.WatcherToken, Log: cfg.Log, Buffer: 256})
		ws = append(ws, wc)
		for j := 0; j < cfg.PerWatcher; j++ {
			rp := reps[(w*cfg.PerWatcher+j)%len(reps)]
			f := &follower{id: rp.id, node: node, start: time.Now(), sentAtStart: rp.sent.Load()}
			f.sub = wc.Subscribe(rp.id, nil)
			fs = append(fs, f)
		}
	}
	return ws, fs
}

// sentSince is what the follower's Sentinel sent after it subscribed.
func (f *follower) sentSince(reps []*replayer) int64 {
	for _, rp := range reps {
		if rp.id == f.id {
			return rp.sent.Load() - f.sentAtStart
		}
	}
	return 0
}

// endPublishers sends "end" for every replayed Sentinel, concurrently.
func endPublishers(reps []*replayer) {
	var wg sync.WaitGroup
	for _, rp := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rp.pub.End(ctx)
		}()
	}
	wg.Wait()
}
