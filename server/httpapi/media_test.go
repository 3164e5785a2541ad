package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"proctor/internal/testmedia"
	"proctor/proto"
	"proctor/server/auth"
)

// at formats t0+d for a query.
func at(d time.Duration) string { return t0.Add(d).Format(time.RFC3339Nano) }

func TestMedia(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	ms := time.Millisecond
	tests := []struct {
		name     string
		path     string
		segs     []int // sequences expected, in order
		gen      string
		truncate string // X-Proctor-Truncated
	}{
		{"whole stream cut at generation 2", "/v1/sessions/exam1/sentinels/cam/media.mp4",
			span(0, 11), "1", "12"},
		{"from inside a non-keyframe segment", "/v1/sessions/exam1/sentinels/cam/media.mp4?from=" + at(1700*ms) + "&to=" + at(3200*ms),
			span(2, 6), "1", ""},
		{"from on a keyframe, to = from", "/v1/sessions/exam1/sentinels/cam/media.mp4?from=" + at(2000*ms) + "&to=" + at(2000*ms),
			span(4, 4), "1", ""},
		{"range across the generation change", "/v1/sessions/exam1/sentinels/cam/media.mp4?from=" + at(5200*ms) + "&to=" + at(6500*ms),
			span(10, 11), "1", "12"},
		{"second generation", "/v1/sessions/exam1/sentinels/cam/media.mp4?from=" + at(6100*ms),
			span(12, 15), "2", ""},
		{"from before the first segment", "/v1/sessions/exam1/sentinels/cam/media.mp4?from=" + at(-time.Hour) + "&to=" + at(400*ms),
			span(0, 0), "1", ""},
		{"lost keyframe segment skipped to the next keyframe", "/v1/sessions/gappy/sentinels/lossy/media.mp4",
			append(span(0, 3), span(6, 11)...), "1", ""},
		{"range over the gap", "/v1/sessions/gappy/sentinels/lossy/media.mp4?from=" + at(time.Minute+2200*ms) + "&to=" + at(time.Minute+3000*ms),
			[]int{2, 3, 6}, "1", ""},
	}
	tok := e.token(auth.RoleReviewer, "rita")
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := e.do("GET", tc.path, tok, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			c := f.a
			if tc.gen == "2" {
				c = f.b
			}
			want, frames := c.Init, 0
			for _, seq := range tc.segs {
				s := c.Segments[seq%12]
				want = append(want, s.Payload...)
				frames += len(s.Media.Samples)
			}
			h := resp.Header
			if h.Get("Content-Type") != "video/mp4" || h.Get("Content-Length") != strconv.Itoa(len(want)) ||
				h.Get("X-Proctor-Generation") != tc.gen || h.Get("X-Proctor-Truncated") != tc.truncate ||
				h.Get("X-Proctor-Sequences") != fmt.Sprintf("%d-%d", tc.segs[0], tc.segs[len(tc.segs)-1]) {
				t.Fatalf("headers %v", h)
			}
			if len(b) != len(want) {
				t.Fatalf("%d bytes, want %d", len(b), len(want))
			}
			// The same bytes as init + stored segments except the mfhd
			// numbers, which count 1, 2, 3...
			for i, s := range mfhdSequences(t, b[len(c.Init):]) {
				if s != uint32(i+1) {
					t.Fatalf("moof %d numbered %d", i, s)
				}
			}
			if !bytes.Equal(b[:len(c.Init)], c.Init) {
				t.Fatal("file does not start with the init segment")
			}
			if _, err := proto.ParseMedia(b[len(c.Init):], &c.Info, nil); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, fmt.Sprintf("case%d.mp4", i))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if got := testmedia.CountFramesIn(t, path); got != frames {
				t.Fatalf("ffprobe decoded %d frames, want %d", got, frames)
			}
		})
	}
}

// TestMediaOverHTTP lets ffprobe read media.mp4 straight from the server,
// as a player given the URL would, and checks HEAD.
func TestMediaOverHTTP(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	path := "/v1/sessions/exam1/sentinels/cam/media.mp4?from=" + at(time.Second) + "&to=" + at(4*time.Second)
	url := e.srv.URL + path + "&access_token=" + e.token(auth.RoleProctor, "pat")
	frames := 0
	for _, s := range f.a.Segments[2:9] {
		frames += len(s.Media.Samples)
	}
	if got := testmedia.CountFramesIn(t, url); got != frames {
		t.Fatalf("ffprobe over HTTP decoded %d frames, want %d", got, frames)
	}
	get, b := e.do("GET", path, e.token(auth.RoleProctor, "pat"), nil)
	head, hb := e.do("HEAD", path, e.token(auth.RoleProctor, "pat"), nil)
	if head.StatusCode != 200 || len(hb) != 0 || head.ContentLength != int64(len(b)) ||
		head.Header.Get("X-Proctor-Sequences") != get.Header.Get("X-Proctor-Sequences") {
		t.Fatalf("HEAD: %d, length %d, want %d", head.StatusCode, head.ContentLength, len(b))
	}
}

// span lists a..b.
func span(a, b int) []int {
	var s []int
	for i := a; i <= b; i++ {
		s = append(s, i)
	}
	return s
}

// TestMediaCorruptSegment: a stored segment whose boxes no longer line up
// (damaged on disk after it was indexed) ends the transfer short of its
// Content-Length, so the client sees an error rather than a wrong file.
func TestMediaCorruptSegment(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	logs, err := filepath.Glob(filepath.Join(e.dir, "data", "streams", "cam", "exam1", "*.log"))
	if err != nil || len(logs) != 1 {
		t.Fatalf("log files %v %v", logs, err)
	}
	// Break the size of segment 3's moof.
	fh, err := os.OpenFile(logs[0], os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt([]byte{0xff, 0xff, 0xff, 0xff}, f.gen1[3].Offset); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/sessions/exam1/sentinels/cam/media.mp4", nil)
	req.Header.Set("Authorization", "Bearer "+e.token(auth.RoleReviewer, "r"))
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("read %d of %d bytes without an error", len(b), resp.ContentLength)
	}
	if want := int64(len(f.a.Init)) + f.gen1[0].Size + f.gen1[1].Size + f.gen1[2].Size; int64(len(b)) != want {
		t.Fatalf("got %d bytes before the damaged segment, want %d", len(b), want)
	}
}
