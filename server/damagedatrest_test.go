package server

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"proctor/proto"
	"proctor/server/auth"
)

// TestDamagedAtRestNotServed: bytes damaged on disk after a clean
// shutdown (which recovery does not read back) are not served as the
// segment under its strong ETag, which names the checksum they fail: the
// request gets an error, the segments around it their bytes. Before the
// fix the damaged bytes were served with 200.
func TestDamagedAtRestNotServed(t *testing.T) {
	cl := lowLatencyClip(t)
	cfg := testConfig(t.TempDir())
	e := startServerConfig(t, cfg)
	p := e.publish(t, "cam1", "rot")
	p.sendInit(t, 1, cl.init)
	for i := 0; i < 10; i++ {
		p.sendSeg(t, uint64(i), cl.segs[i])
	}
	waitFor(t, stored(e, "rot", "cam1", 10))
	recs, err := e.s.store.Segments("rot", "cam1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	e.stop(t)
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "CLEAN")); err != nil {
		t.Fatalf("no clean marker after the stop: %v", err)
	}
	chunks := chunkLogs(t, cfg.DataDir, "rot", "cam1", recs)
	victim := recs[5]
	c := chunks[len(chunks)-1]
	b, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	b[victim.Offset-c.base+victim.Size/2] ^= 0x01
	if err := os.WriteFile(c.path, b, 0o644); err != nil {
		t.Fatal(err)
	}

	e = startServerConfig(t, cfg)
	rev := e.token(auth.RoleReviewer, "r")
	for _, r := range recs {
		code, body := get(t, fmt.Sprintf("%s/v1/sessions/rot/sentinels/cam1/segments/%d", e.http, r.Seq), rev)
		if r.Seq != victim.Seq {
			if code != http.StatusOK || !bytes.Equal([]byte(body), cl.segs[r.Seq].payload) {
				t.Fatalf("segment %d: %d, %d bytes, want its %d bytes", r.Seq, code, len(body), len(cl.segs[r.Seq].payload))
			}
			continue
		}
		if code != http.StatusInternalServerError || !strings.Contains(body, `"code":"`+proto.CodeInternal+`"`) ||
			!strings.Contains(body, "checksum") {
			t.Fatalf("damaged segment %d: %d %.200q, want 500 naming the failed checksum", r.Seq, code, body)
		}
	}
}
