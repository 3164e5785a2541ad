package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

func init() {
	register(Mode{Name: "publish", Summary: "publish an fMP4 byte stream from stdin to ws://HOST/CHANNEL/KEY/publish", Run: runPublish})
}

// heartbeatEvery is how often publish sends the seed protocol's "h".
const heartbeatEvery = 20 * time.Second

// closeWait bounds the wait for the server's answer to the end of the
// stream (its close, or a refusal).
const closeWait = 10 * time.Second

func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("publish", stderr)
	chunk := fs.Int("chunk", 64<<10, "largest binary message, bytes")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: proctor publish [flags] ws://HOST:PORT/CHANNEL/KEY/publish < stream.mp4\n\n"+
			"Reads a fragmented MP4 byte stream on standard input, e.g. from\n"+
			"  ffmpeg ... -f mp4 -movflags frag_keyframe+empty_moov+default_base_moof -\n"+
			"and publishes it to the seed-compatible endpoint.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &ExitError{Code: 2}
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &ExitError{Code: 2, Err: errors.New("need exactly one URL")}
	}
	u, err := url.Parse(fs.Arg(0))
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || !strings.HasSuffix(u.Path, "/publish") {
		return &ExitError{Code: 2, Err: fmt.Errorf("%q is not a ws://HOST:PORT/CHANNEL/KEY/publish URL", fs.Arg(0))}
	}
	if *chunk < 1024 {
		return &ExitError{Code: 2, Err: errors.New("-chunk must be at least 1024")}
	}
	return publish(ctx, u.String(), os.Stdin, *chunk, stderr)
}

func publish(ctx context.Context, target string, in io.Reader, chunk int, stderr io.Writer) error {
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conn, _, err := dialer.DialContext(ctx, target, nil)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()

	var mu sync.Mutex // guards writes on conn
	write := func(kind int, b []byte) error {
		mu.Lock()
		defer mu.Unlock()
		conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		return conn.WriteMessage(kind, b)
	}

	// The reader reports the server's "ERROR: ..." refusal, answers nothing
	// else, and ends when the connection does.
	refused := make(chan error, 1)
	go func() {
		for {
			kind, msg, err := conn.ReadMessage()
			if err != nil {
				refused <- nil
				return
			}
			if kind == websocket.TextMessage && strings.HasPrefix(string(msg), "ERROR:") {
				refused <- errors.New(strings.TrimSpace(strings.TrimPrefix(string(msg), "ERROR:")))
				return
			}
		}
	}()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if write(websocket.TextMessage, []byte("h")) != nil {
					return
				}
			}
		}
	}()

	// verdict waits up to d for the reader to end: the server's refusal,
	// or nil when the connection closed without one (ok false: no answer).
	verdict := func(d time.Duration) (refusal error, ok bool) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case err := <-refused:
			return err, true
		case <-t.C:
			return nil, false
		}
	}

	r := bufio.NewReaderSize(in, chunk)
	buf := make([]byte, chunk)
	var sent int64
	for {
		select {
		case err := <-refused:
			if err == nil {
				err = errors.New("server closed the connection")
			}
			return fmt.Errorf("refused: %w", err)
		case <-ctx.Done():
			return nil
		default:
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			if err := write(websocket.BinaryMessage, buf[:n]); err != nil {
				// A refusal closes the connection: say why, not just that the write failed.
				if why, ok := verdict(closeWait); ok && why != nil {
					return fmt.Errorf("refused: %w", why)
				}
				return fmt.Errorf("send after %d bytes: %w", sent, err)
			}
			sent += int64(n)
		}
		if rerr == io.EOF {
			// The server answers the close after it has taken in everything
			// sent before it, or refuses: only then is the stream published.
			mu.Lock()
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "end"), time.Now().Add(time.Second))
			mu.Unlock()
			why, ok := verdict(closeWait)
			switch {
			case why != nil:
				return fmt.Errorf("refused: %w", why)
			case !ok:
				return fmt.Errorf("sent %d bytes, but the server did not acknowledge the end within %v", sent, closeWait)
			}
			fmt.Fprintf(stderr, "published %d bytes\n", sent)
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("read stdin: %w", rerr)
		}
	}
}
