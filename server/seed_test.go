package server

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/server/auth"
)

// seedStream is a raw fMP4 byte stream from the ffmpeg CLI: 4 s at 10 fps,
// one frame per fragment, a keyframe every 5 frames (40 fragments).
func seedStream(t testing.TB) []byte {
	t.Helper()
	return testmedia.Encode(t, testmedia.Options{Size: "320x240", FPS: 10, GOP: 5, Seconds: 4, Movflags: "frag_every_frame"})
}

func (e *env) seedURL(channel, key, kind string) string {
	return e.ws + "/" + channel + "/" + key + "/" + kind
}

func (e *env) seedDial(t testing.TB, channel, key, kind string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(e.seedURL(channel, key, kind), nil)
	if err != nil {
		t.Fatalf("dial %s: %v", kind, err)
	}
	return c
}

// sendCut sends b as binary messages of random sizes (1 byte to 20 KiB).
func sendCut(t testing.TB, c *websocket.Conn, b []byte, rng *rand.Rand) {
	t.Helper()
	for off := 0; off < len(b); {
		n := min(len(b)-off, 1+rng.Intn(20<<10))
		if err := c.WriteMessage(websocket.BinaryMessage, b[off:off+n]); err != nil {
			t.Fatalf("publish at %d: %v", off, err)
		}
		off += n
	}
}

// seedReceived is what a seed receiver got: the binary messages in order.
type seedReceived struct {
	msgs   [][]byte
	errMsg string // an "ERROR: ..." text, if any
}

// readAll reads until the server closes, ignoring heartbeats.
func readAll(c *websocket.Conn, timeout time.Duration) seedReceived {
	var r seedReceived
	c.SetReadDeadline(time.Now().Add(timeout))
	for {
		typ, b, err := c.ReadMessage()
		if err != nil {
			return r
		}
		if typ == websocket.BinaryMessage {
			r.msgs = append(r.msgs, b)
		} else if s := string(b); strings.HasPrefix(s, "ERROR:") {
			r.errMsg = s
		}
	}
}

// units reassembles what was received into init segments and fragments.
func (r seedReceived) units(t testing.TB) (inits int, frags []proto.MediaInfo) {
	t.Helper()
	var re proto.Reassembler
	var info proto.InitInfo
	for _, m := range r.msgs {
		err := re.Feed(m, func(k proto.Kind, u []byte) error {
			if k == proto.KindInit {
				inits++
				var err error
				info, err = proto.ParseInit(u)
				return err
			}
			mi, err := proto.ParseMedia(u, &info, nil)
			frags = append(frags, mi)
			return err
		})
		if err != nil {
			t.Fatalf("received stream: %v", err)
		}
	}
	return inits, frags
}

func TestSeedPublishReceiveProbe(t *testing.T) {
	e := startServer(t, nil)
	stream := seedStream(t)
	key := e.signer.StreamKey("cam-seed")
	recv := e.seedDial(t, "cam-seed", key, seedReceive)
	probe := e.seedDial(t, "cam-seed", key, seedProbe)
	results := make([]seedReceived, 2)
	var wg sync.WaitGroup
	for i, c := range []*websocket.Conn{recv, probe} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = readAll(c, 20*time.Second)
		}()
	}
	time.Sleep(100 * time.Millisecond) // both wait for a publisher
	pubc := e.seedDial(t, "cam-seed", key, seedPublish)
	sendCut(t, pubc, stream, rand.New(rand.NewSource(7)))

	// Live: listed with its codec while publishing.
	waitFor(t, func() bool {
		for _, s := range e.s.Sentinels() {
			if s.ID == "cam-seed" && s.LastSequence == 39 {
				return s.Width == 320 && s.Height == 240
			}
		}
		return false
	})
	pubc.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	pubc.ReadMessage()
	pubc.Close()
	wg.Wait()

	got, probed := results[0], results[1]
	inits, frags := got.units(t)
	if inits != 1 || len(frags) != 40 || !frags[0].Keyframe {
		t.Fatalf("receive: %d inits, %d fragments (want 1, 40), first keyframe %v", inits, len(frags), len(frags) > 0 && frags[0].Keyframe)
	}
	if n := testmedia.CountFrames(t, bytes.Join(got.msgs, nil)); n != 40 {
		t.Fatalf("receive: ffprobe decoded %d frames, want 40", n)
	}
	if len(probed.msgs) != 1 {
		t.Fatalf("probe got %d messages, want 1", len(probed.msgs))
	}
	if info, err := proto.ParseInit(probed.msgs[0]); err != nil || info.Width != 320 {
		t.Fatalf("probe chunk: %v %+v", err, info)
	}

	// History: the session is closed and its segments are served over HTTP.
	tok := e.token(auth.RoleReviewer, "r")
	sess := getJSON[proto.SessionList](t, e.http+"/v1/sessions?sentinel=cam-seed", tok)
	if len(sess.Sessions) != 1 || sess.Sessions[0].State != proto.SessionClosed {
		t.Fatalf("sessions %+v", sess)
	}
	sid := sess.Sessions[0].ID
	segs := getJSON[proto.SegmentList](t, e.http+"/v1/sessions/"+sid+"/sentinels/cam-seed/segments", tok)
	if len(segs.Segments) != 40 || segs.Segments[39].Sequence != 39 {
		t.Fatalf("%d stored segments", len(segs.Segments))
	}
	for i := 1; i < len(segs.Segments); i++ {
		if !segs.Segments[i].Start.After(segs.Segments[i-1].Start) {
			t.Fatalf("segment %d starts at %v, not after %v", i, segs.Segments[i].Start, segs.Segments[i-1].Start)
		}
	}
	req, _ := http.NewRequest("GET", e.http+"/v1/sessions/"+sid+"/sentinels/cam-seed/media.mp4", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if n := testmedia.CountFrames(t, body.Bytes()); n != 40 {
		t.Fatalf("media.mp4 decodes to %d frames, want 40", n)
	}
}

func TestSeedLateReceiversStartAtKeyframe(t *testing.T) {
	e := startServer(t, nil)
	stream := seedStream(t)
	key := e.signer.StreamKey("late")
	pubc := e.seedDial(t, "late", key, seedPublish)
	defer pubc.Close()
	// Publish up to the middle of a GOP: fragments 0..17 (keyframes at 0, 5, 10, 15).
	var re proto.Reassembler
	var units [][]byte
	re.Feed(stream, func(_ proto.Kind, u []byte) error { units = append(units, u); return nil })
	for _, u := range units[:19] { // init + 18 fragments
		if err := pubc.WriteMessage(websocket.BinaryMessage, u); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { st, ok := e.s.hub.Lookup("late"); return ok && st.Stats().LastSeq == 17 })
	cached := e.seedDial(t, "late", key, seedReceive)
	fresh := e.seedDial(t, "late", key, seedReceiveNew)
	results := make([]seedReceived, 2)
	var wg sync.WaitGroup
	for i, c := range []*websocket.Conn{cached, fresh} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = readAll(c, 20*time.Second)
		}()
	}
	time.Sleep(200 * time.Millisecond)
	for _, u := range units[19:] {
		if err := pubc.WriteMessage(websocket.BinaryMessage, u); err != nil {
			t.Fatal(err)
		}
	}
	pubc.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	wg.Wait()
	// The cache goes out in one message: the init segment and fragments 15-17.
	if len(results[0].msgs) > 0 {
		first := seedReceived{msgs: results[0].msgs[:1]}
		if inits, frags := first.units(t); inits != 1 || len(frags) != 3 {
			t.Errorf("first message of the cached receiver: %d inits, %d fragments, want 1 and 3", inits, len(frags))
		}
	}
	for i, want := range []int{40 - 15, 40 - 20} { // from keyframe 15; from the next keyframe, 20
		inits, frags := results[i].units(t)
		if inits != 1 || len(frags) != want || !frags[0].Keyframe {
			t.Errorf("receiver %d: %d inits, %d fragments (want 1, %d), first keyframe %v", i, inits, len(frags), want, len(frags) > 0 && frags[0].Keyframe)
		}
		if n := testmedia.CountFrames(t, bytes.Join(results[i].msgs, nil)); n != want {
			t.Errorf("receiver %d: ffprobe decoded %d frames, want %d", i, n, want)
		}
	}
}

func TestSeedRefusals(t *testing.T) {
	e := startServer(t, func(c *Config) { c.SeedIdle = 300 * time.Millisecond })
	key := e.signer.StreamKey("cam-1")
	busy := e.seedDial(t, "cam-1", key, seedPublish)
	defer busy.Close()
	go func() { // keep the first publisher alive with heartbeats
		for i := 0; i < 20; i++ {
			if busy.WriteMessage(websocket.TextMessage, []byte("h")) != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	waitFor(t, func() bool { sn := e.s.live.Lookup("cam-1"); return sn != nil && sn.Publisher() != nil })
	tests := []struct {
		name, channel, key, kind, want string
	}{
		{"channel with a dot", "cam.1", key, seedReceive, "ERROR: Invalid channel"},
		{"channel upper case", "CAM-1", key, seedReceive, "ERROR: Invalid channel"},
		{"channel too long", strings.Repeat("c", 65), key, seedPublish, "ERROR: Invalid channel"},
		{"key with upper case", "cam-1", strings.ToUpper(key), seedPublish, "ERROR: Invalid streaming key"},
		{"wrong key", "cam-1", strings.Repeat("0", 32), seedPublish, "ERROR: Invalid streaming key"},
		{"another channel's key", "cam-2", key, seedReceive, "ERROR: Invalid streaming key"},
		{"second publisher", "cam-1", key, seedPublish, "ERROR: Channel is busy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.seedDial(t, tc.channel, tc.key, tc.kind)
			defer c.Close()
			got := readAll(c, 5*time.Second)
			if !strings.HasPrefix(got.errMsg, tc.want) || len(got.msgs) != 0 {
				t.Fatalf("got %q and %d messages, want %q", got.errMsg, len(got.msgs), tc.want)
			}
		})
	}
	t.Run("idle publisher", func(t *testing.T) {
		key := e.signer.StreamKey("quiet")
		c := e.seedDial(t, "quiet", key, seedPublish)
		defer c.Close()
		if got := readAll(c, 5*time.Second); got.errMsg != "ERROR: Inactivity timeout" {
			t.Fatalf("got %q", got.errMsg)
		}
	})
	t.Run("idle receiver", func(t *testing.T) {
		c := e.seedDial(t, "nobody", e.signer.StreamKey("nobody"), seedReceive)
		defer c.Close()
		if got := readAll(c, 5*time.Second); got.errMsg != "ERROR: Inactivity timeout" {
			t.Fatalf("got %q", got.errMsg)
		}
	})
	t.Run("unknown kind", func(t *testing.T) {
		resp, err := http.Get(e.http + "/cam-1/" + key + "/watch")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

// TestSeedStalledReceiver: one receiver never reads; the publisher and the
// other receivers get everything at full rate.
func TestSeedStalledReceiver(t *testing.T) {
	// The window holds the whole 40 s stream, which is published faster
	// than real time: nobody is skipped for the publisher's speed.
	e := startServer(t, func(c *Config) { c.WriteTimeout = time.Second; c.Window = time.Minute })
	stream := seedStream(t)
	key := e.signer.StreamKey("busy")
	d := websocket.Dialer{ReadBufferSize: 1024}
	stalled, _, err := d.Dial(e.seedURL("busy", key, seedReceive), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	if tcp, ok := stalled.NetConn().(interface{ SetReadBuffer(int) error }); ok {
		tcp.SetReadBuffer(4096)
	}
	const readers = 3
	results := make([]seedReceived, readers)
	var wg sync.WaitGroup
	for i := range readers {
		c := e.seedDial(t, "busy", key, seedReceive)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = readAll(c, 30*time.Second)
		}()
	}
	time.Sleep(100 * time.Millisecond)
	pubc := e.seedDial(t, "busy", key, seedPublish)
	// Ten times the clip, re-timed by the server as one long stream.
	rng := rand.New(rand.NewSource(3))
	var re proto.Reassembler
	var units [][]byte
	re.Feed(stream, func(_ proto.Kind, u []byte) error { units = append(units, u); return nil })
	start := time.Now()
	for round := 0; round < 10; round++ {
		from := 1
		if round == 0 {
			from = 0
		}
		for _, u := range units[from:] {
			sendCut(t, pubc, u, rng)
		}
	}
	t.Logf("published 400 fragments in %v", time.Since(start))
	pubc.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	wg.Wait()
	for i, r := range results {
		if inits, frags := r.units(t); inits != 1 || len(frags) != 400 {
			t.Errorf("reader %d: %d inits, %d fragments, want 1 and 400", i, inits, len(frags))
		}
	}
}

func getJSON[T any](t testing.TB, url, tok string) T {
	t.Helper()
	var v T
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
