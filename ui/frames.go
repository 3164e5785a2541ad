package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// DisplayRate is the most frames per second the app swaps in per tile.
const DisplayRate = 30

// statsEvery is how often the stats lines are refreshed.
const statsEvery = time.Second

// frameTicker is the one ticker of the app: at most DisplayRate times a
// second it runs pump inside fyne.Do, and never queues a second run while
// one is pending, so a busy UI thread drops ticks instead of piling them.
type frameTicker struct {
	pump    func(withStats bool)
	pending atomic.Bool
}

func newFrameTicker(pump func(bool)) *frameTicker { return &frameTicker{pump: pump} }

func (t *frameTicker) start(ctx context.Context, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(time.Second / DisplayRate)
		defer tk.Stop()
		last := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-tk.C:
				if !t.pending.CompareAndSwap(false, true) {
					continue
				}
				stats := now.Sub(last) >= statsEvery
				if stats {
					last = now
				}
				fyne.Do(func() {
					defer t.pending.Store(false)
					if ctx.Err() == nil {
						t.pump(stats)
					}
				})
			}
		}
	}()
}
