package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/server"
	"proctor/server/auth"
)

// TestPublishBinary builds the proctor binary and runs it the way the
// README shows: the ffmpeg CLI's fragmented MP4 piped into
// `proctor publish ws://HOST/CHANNEL/KEY/publish`, against a real server
// on loopback. Every byte ffmpeg wrote is stored and served back, and
// ffprobe decodes every frame. Bad URLs and a refused key end with one
// line on stderr and a non-zero status.
func TestPublishBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildProctor(t)
	ps := startPublishServer(t)

	t.Run("ffmpeg pipe", func(t *testing.T) {
		const channel = "cam-pipe"
		target := ps.ws + "/" + channel + "/" + ps.key(t, channel, auth.StreamPublish) + "/publish"
		ff := exec.Command("ffmpeg", testmedia.Args(publishClip, "-")...)
		ff.Stderr = logWriter{t}
		ffOut, err := ff.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var sent bytes.Buffer // what ffmpeg wrote, as the publisher read it
		pub := exec.Command(bin, "publish", target)
		pub.Stdin = io.TeeReader(ffOut, &sent)
		var stderr bytes.Buffer
		pub.Stderr = &stderr
		if err := ff.Start(); err != nil {
			t.Fatal(err)
		}
		if err := pub.Start(); err != nil {
			ff.Process.Kill()
			ff.Wait()
			t.Fatal(err)
		}
		perr := pub.Wait()
		io.Copy(io.Discard, ffOut) // let ffmpeg finish if publish stopped early
		if err := ff.Wait(); err != nil {
			t.Fatalf("ffmpeg: %v", err)
		}
		if perr != nil {
			t.Fatalf("publish: %v; stderr: %s", perr, stderr.String())
		}
		if want := fmt.Sprintf("published %d bytes\n", sent.Len()); stderr.String() != want {
			t.Fatalf("stderr %q, want %q", stderr.String(), want)
		}

		// What ffmpeg produced: the init segment and its fragments.
		var re proto.Reassembler
		var init []byte
		var frags [][]byte
		err = re.Feed(sent.Bytes(), func(k proto.Kind, u []byte) error {
			if k == proto.KindInit {
				init = u
			} else {
				frags = append(frags, u)
			}
			return nil
		})
		if err != nil || init == nil || len(frags) == 0 {
			t.Fatalf("ffmpeg output: %v, init %d bytes, %d fragments", err, len(init), len(frags))
		}

		// The session closes when the publisher does; its history is all there.
		tok := ps.signer.Sign(auth.Claims{Role: auth.RoleReviewer, Subject: "r", Expiry: time.Now().Add(time.Hour).Unix()})
		var sess proto.SessionList
		deadline := time.Now().Add(20 * time.Second)
		for {
			sess = httpJSON[proto.SessionList](t, ps.http+"/v1/sessions?sentinel="+channel, tok)
			if len(sess.Sessions) == 1 && sess.Sessions[0].State == proto.SessionClosed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("session not closed: %+v", sess)
			}
			time.Sleep(20 * time.Millisecond)
		}
		base := ps.http + "/v1/sessions/" + sess.Sessions[0].ID + "/sentinels/" + channel
		segs := httpJSON[proto.SegmentList](t, base+"/segments", tok)
		if len(segs.Segments) != len(frags) {
			t.Fatalf("%d stored segments, ffmpeg wrote %d fragments", len(segs.Segments), len(frags))
		}
		for i, s := range segs.Segments {
			if s.Sequence != uint64(i) || s.Size != int64(len(frags[i])) {
				t.Fatalf("segment %d: sequence %d, %d bytes; want %d, %d", i, s.Sequence, s.Size, i, len(frags[i]))
			}
		}
		media := httpBytes(t, base+"/media.mp4", tok)
		if want := append(bytes.Clone(init), bytes.Join(frags, nil)...); !bytes.Equal(media, want) {
			t.Fatalf("media.mp4 (%d bytes) differs from ffmpeg's init and fragments (%d bytes)", len(media), len(want))
		}
		if n := testmedia.CountFrames(t, media); n != 30 {
			t.Fatalf("ffprobe decoded %d frames of media.mp4, want 30 (3 s at 10 fps)", n)
		}
	})

	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	clip := testmedia.Encode(t, publishClip)
	cases := []struct {
		name, url string
		code      int
		phrase    string
		in        []byte // standard input; nil: the clip
	}{
		{"http scheme", "http://" + ps.addr + "/cam-1/key/publish", 2, "is not a ws://HOST:PORT/CHANNEL/KEY/publish URL", nil},
		{"receive url", ps.ws + "/cam-1/key/receive", 2, "is not a ws://HOST:PORT/CHANNEL/KEY/publish URL", nil},
		{"unreachable", "ws://" + deadAddr + "/cam-1/key/publish", 1, "connect:", nil},
		{"wrong key", ps.ws + "/cam-1/" + strings.Repeat("0", 32) + "/publish", 1, "refused: Invalid streaming key", nil},
		{"another channel's key", ps.ws + "/cam-2/" + ps.key(t, "cam-1", auth.StreamPublish) + "/publish", 1, "refused: Invalid streaming key", nil},
		{"receive key", ps.ws + "/cam-2/" + ps.key(t, "cam-2", auth.StreamReceive) + "/publish", 1, "refused: Invalid streaming key: stream key of the wrong kind", nil},
		{"bad channel", ps.ws + "/Cam.1/" + ps.key(t, "cam-1", auth.StreamPublish) + "/publish", 1, "refused: Invalid channel", nil},
		{"not fmp4", ps.ws + "/cam-3/" + ps.key(t, "cam-3", auth.StreamPublish) + "/publish", 1, "refused: ", []byte("this is not a video stream at all")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, "publish", c.url)
			in := c.in
			if in == nil {
				in = clip
			}
			cmd.Stdin = bytes.NewReader(in)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			msg := stderr.String()
			t.Logf("exit %d: %s", code, strings.TrimSpace(msg))
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, msg)
			}
			if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "proctor publish: ") {
				t.Fatalf("stderr is not one proctor publish line: %q", msg)
			}
			if !strings.Contains(msg, c.phrase) {
				t.Fatalf("stderr %q does not mention %q", msg, c.phrase)
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout %q", stdout.String())
			}
		})
	}
	// The refused publishers left nothing behind.
	tok := ps.signer.Sign(auth.Claims{Role: auth.RoleReviewer, Subject: "r", Expiry: time.Now().Add(time.Hour).Unix()})
	for _, ch := range []string{"cam-1", "cam-2"} {
		if l := httpJSON[proto.SessionList](t, ps.http+"/v1/sessions?sentinel="+ch, tok); len(l.Sessions) != 0 {
			t.Errorf("refused channel %s has sessions %+v", ch, l.Sessions)
		}
	}
}

// publishServer is a real proctor server on a loopback port.
type publishServer struct {
	addr, ws, http string
	signer         *auth.Signer
}

// key returns channel's never-expiring stream key of kind.
func (ps *publishServer) key(t *testing.T, channel string, kind auth.StreamKind) string {
	t.Helper()
	k, err := ps.signer.StreamKey(channel, kind, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func startPublishServer(t *testing.T) *publishServer {
	t.Helper()
	secret := []byte("publish-test-secret-0123456789")
	log := slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := server.New(server.Config{Secret: secret, DataDir: t.TempDir()}, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	signer, err := auth.NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	return &publishServer{addr: addr, ws: "ws://" + addr, http: "http://" + addr, signer: signer}
}

// buildProctor builds the command (the server-only variant, which has the
// same publish mode without the GUI) into a temporary directory.
func buildProctor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "proctor")
	build := exec.Command("go", "build", "-tags", "serveronly", "-o", bin, "proctor")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// publishClip is 3 s of 320x240 at 10 fps, a keyframe every 5 frames, as
// fragmented MP4, as the README shows.
var publishClip = testmedia.Options{Size: "320x240", FPS: 10, GOP: 5, Seconds: 3, Movflags: "frag_keyframe"}

func httpBytes(t *testing.T, url, tok string) []byte {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, b)
	}
	return b
}

func httpJSON[T any](t *testing.T, url, tok string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(httpBytes(t, url, tok), &v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return v
}

// logWriter sends a process's or logger's lines to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
