package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// signalContext returns a context cancelled by the first SIGINT or
// SIGTERM. The first signal starts the graceful shutdown; it then gives
// both signals back their default action, so a second one ends the
// process at once (an operator's way out of a shutdown that takes too
// long). stop releases the signals and waits for the watching goroutine.
func signalContext(stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case sig := <-sigs:
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			fmt.Fprintf(stderr, "proctor: %v: shutting down (send it again to exit at once)\n", sig)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		<-exited
		signal.Stop(sigs)
		cancel()
	}
}
