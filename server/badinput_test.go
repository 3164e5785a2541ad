package server

import (
	"encoding/binary"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// TestBadInput: every kind of bad input gets its specific error code and a
// close, while another Sentinel keeps streaming to its watcher untouched.
func TestBadInput(t *testing.T) {
	cl := lowLatencyClip(t)
	e := startServer(t, func(c *Config) { c.MaxMessage = 256 << 10; c.MaxSubscriptions = 4 })
	good := e.publish(t, "good", "")
	good.sendInit(t, 1, cl.init)
	gw := e.watch(t, "good")
	// The good watcher reads all along, as a live viewer does.
	const cases = 36
	total := 3 * cases
	gotc := make(chan *received, 1)
	go func() { gotc <- collect(t, gw, "good", total) }()
	var seq uint64
	flow := func() { // the good stream keeps flowing between cases
		for i := 0; i < 3; i++ {
			good.sendSeg(t, seq, cl.segs[seq%uint64(len(cl.segs))])
			seq++
		}
	}
	other, _ := auth.NewSigner([]byte("another-secret-0123456789"))
	admin := e.token(auth.RoleAdmin, "root")
	media := func(id string, seq uint64, seg clipSeg) []byte { return segMsg(id, seq, seg) }
	initMsg := func(id string, payload []byte) []byte {
		return proto.Marshal(proto.Header{Kind: proto.KindInit, Sentinel: id, Seq: 1}, payload)
	}
	// A segment whose mdat holds 4 bytes more than its trun describes.
	mismatch := append([]byte(nil), cl.segs[0].payload...)
	moof := int(binary.BigEndian.Uint32(mismatch))
	binary.BigEndian.PutUint32(mismatch[moof:], binary.BigEndian.Uint32(mismatch[moof:])+4)
	mismatch = append(mismatch, 0, 0, 0, 1)
	wrongKey := cl.segs[1] // not a keyframe, sent with the keyframe flag
	wrongKey.key = true

	hello := func(id string) any { return proto.Hello{Type: proto.TypeHello, Sentinel: id} }
	rawHello := func(id string) any { return map[string]string{"type": "hello", "sentinel": id} }
	tests := []struct {
		name  string
		path  string
		token string
		hello any      // JSON sent first, if any
		msgs  [][]byte // binary messages after it
		texts []string // text messages after it
		code  string
	}{
		{name: "malformed header", hello: hello("bad1"), msgs: [][]byte{{0x50, 1, 9, 0, 0, 4}}, code: proto.CodeBadHeader},
		{name: "bad magic", hello: hello("bad1"), msgs: [][]byte{append([]byte{0x51}, initMsg("bad1", cl.init)[1:]...)}, code: proto.CodeBadHeader},
		{name: "truncated header", hello: hello("bad1"), msgs: [][]byte{{0x50}}, code: proto.CodeBadHeader},
		{name: "header names another sentinel", hello: hello("bad1"), msgs: [][]byte{initMsg("good", cl.init)}, code: proto.CodeBadHeader},
		{name: "non-fMP4 init", hello: hello("bad1"), msgs: [][]byte{initMsg("bad1", []byte("GIF89a, not an mp4 at all"))}, code: proto.CodeBadPayload},
		{name: "non-fMP4 media", hello: hello("bad1"), msgs: [][]byte{initMsg("bad1", cl.init), media("bad1", 0, clipSeg{payload: []byte("\x00\x00\x00\x10junkjunkjunk"), key: true})}, code: proto.CodeBadPayload},
		{name: "init as media", hello: hello("bad1"), msgs: [][]byte{initMsg("bad1", cl.init), media("bad1", 0, clipSeg{payload: cl.init, key: true})}, code: proto.CodeBadPayload},
		{name: "trun/mdat mismatch", hello: hello("bad1"), msgs: [][]byte{initMsg("bad1", cl.init), media("bad1", 0, clipSeg{payload: mismatch, key: true})}, code: proto.CodeBadPayload},
		{name: "keyframe flag mismatch", hello: hello("bad1"), msgs: [][]byte{initMsg("bad1", cl.init), media("bad1", 0, wrongKey)}, code: proto.CodeBadHeader},
		{name: "media before init", token: admin, hello: hello("fresh1"), msgs: [][]byte{media("fresh1", 0, cl.segs[0])}, code: proto.CodeSequence},
		{name: "oversized message", hello: hello("bad1"), msgs: [][]byte{make([]byte, 300<<10)}, code: proto.CodeTooLarge},
		{name: "oversized hello", token: admin, texts: []string{`{"type":"hello","sentinel":"x","details":{"a":"` + strings.Repeat("x", 300<<10) + `"}}`}, code: proto.CodeTooLarge},
		{name: "binary before hello", token: admin, msgs: [][]byte{initMsg("bad1", cl.init)}, code: proto.CodeBadMessage},
		{name: "not JSON", token: admin, texts: []string{"hello?"}, code: proto.CodeBadMessage},
		{name: "id with ../", token: admin, hello: rawHello("../etc"), code: proto.CodeBadID},
		{name: "id with space", token: admin, hello: rawHello("cam 1"), code: proto.CodeBadID},
		{name: "id with unicode", token: admin, hello: rawHello("camé"), code: proto.CodeBadID},
		{name: "id of 65 chars", token: admin, hello: rawHello(strings.Repeat("a", 65)), code: proto.CodeBadID},
		{name: "empty id", token: admin, hello: rawHello(""), code: proto.CodeBadID},
		{name: "session id with ../", token: admin, hello: map[string]string{"type": "hello", "sentinel": "bad1", "session": "../x"}, code: proto.CodeBadID},
		{name: "wrong token", token: other.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: "bad1"}), hello: hello("bad1"), code: proto.CodeUnauthorized},
		{name: "expired token", token: e.signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: "bad1", Expiry: time.Now().Add(-time.Minute).Unix()}), hello: hello("bad1"), code: proto.CodeUnauthorized},
		{name: "no token", token: "-", hello: hello("bad1"), code: proto.CodeUnauthorized},
		{name: "proctor publishing", token: e.token(auth.RoleProctor, "p"), hello: hello("bad1"), code: proto.CodeForbidden},
		{name: "sentinel publishing as another id", token: e.token(auth.RoleSentinel, "bad1"), hello: hello("good2"), code: proto.CodeForbidden},
		{name: "second publisher", token: e.token(auth.RoleSentinel, "good"), hello: hello("good"), code: proto.CodeConflict},
		{name: "watch as reviewer", path: "/v1/watch", token: e.token(auth.RoleReviewer, "r"), code: proto.CodeForbidden},
		{name: "watch as sentinel", path: "/v1/watch", token: e.token(auth.RoleSentinel, "good"), code: proto.CodeForbidden},
		{name: "watch with wrong token", path: "/v1/watch", token: other.Sign(auth.Claims{Role: auth.RoleProctor}), code: proto.CodeUnauthorized},
		{name: "watch binary", path: "/v1/watch", msgs: [][]byte{{1, 2, 3}}, code: proto.CodeBadMessage},
		{name: "watch subscribe ../", path: "/v1/watch", texts: []string{`{"type":"subscribe","sentinels":["../good"]}`}, code: proto.CodeBadID},
		{name: "watch subscribe 65 chars", path: "/v1/watch", texts: []string{`{"type":"subscribe","sentinels":["` + strings.Repeat("a", 65) + `"]}`}, code: proto.CodeBadID},
		{name: "watch too many subscriptions", path: "/v1/watch", texts: []string{`{"type":"subscribe","sentinels":["a","b","c","d","e"]}`}, code: proto.CodeLimit},
		{name: "watch unknown type", path: "/v1/watch", texts: []string{`{"type":"dance"}`}, code: proto.CodeBadMessage},
		{name: "watch fps out of range", path: "/v1/watch", texts: []string{`{"type":"fps","sentinel":"good","fps":1e9}`}, code: proto.CodeBadMessage},
		{name: "watch oversized", path: "/v1/watch", texts: []string{strings.Repeat(" ", 100<<10) + "{}"}, code: proto.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, tok := tt.path, tt.token
			if path == "" {
				path = "/v1/ingest"
			}
			switch {
			case tok == "-":
				tok = ""
			case tok == "" && path == "/v1/watch":
				tok = e.token(auth.RoleProctor, "p")
			case tok == "":
				tok = e.token(auth.RoleSentinel, "bad1")
			}
			c, err := e.dial(path, tok)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tt.hello != nil {
				c.WriteJSON(tt.hello)
			}
			for _, s := range tt.texts {
				c.WriteMessage(websocket.TextMessage, []byte(s))
			}
			for _, m := range tt.msgs {
				c.WriteMessage(websocket.BinaryMessage, m)
			}
			expectError(t, c, tt.code)
			flow()
		})
	}
	if len(tests) != cases {
		t.Fatalf("%d cases, update the constant", len(tests))
	}
	got := <-gotc
	if err := inOrder(got.seqs, 0); err != nil {
		t.Fatal(err)
	}
	if len(got.skipped) > 0 {
		t.Fatalf("the good watcher was skipped: %v", got.skipped)
	}
}

// TestConnectionsPerIP: the connection over the limit is refused.
func TestConnectionsPerIP(t *testing.T) {
	e := startServer(t, func(c *Config) { c.MaxConnsPerIP = 2 })
	e.watch(t)
	e.watch(t)
	c, err := e.dial("/v1/watch", e.token(auth.RoleProctor, "p"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	expectError(t, c, proto.CodeLimit)
}

// TestPlainHTTPOnWebSocketEndpoint: a request without upgrade is refused
// and changes nothing.
func TestPlainHTTPOnWebSocketEndpoint(t *testing.T) {
	e := startServer(t, nil)
	resp, err := http.Get(e.http + "/v1/ingest")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %s", resp.Status)
	}
}
