package client

import (
	"fmt"
	"proctor/proto"
	"strings"
	"testing"
)

func TestBacklog(t *testing.T) {
	// Steps: "k" and "m" push a keyframe or other 100-byte segment (the
	// next sequence), "s" marks the next one sent, "r<N>" resumes at N.
	tests := []struct {
		name    string
		limit   int64
		steps   string
		left    string // sequences held, * when sent
		dropped int64
	}{
		{"fits", 1000, "k m m k m", "0 1 2 3 4", 0},
		{"oldest GOP goes first", 500, "k m m k m k", "3 4 5", 3},
		{"sent segments are trimmed before unsent ones", 300, "k m s s k m", "1* 2 3", 0},
		{"a partly sent GOP loses its unsent tail", 300, "k m m s k m k", "3 4 5", 2},
		{"the GOP being produced is dropped whole, then its tail", 250, "k m m m m k m", "5 6", 5},
		{"resume drops what the server has and resends the rest", 1000, "k m m s s s r2", "2", 0},
		{"resume ahead of everything empties it", 1000, "k m s r9", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := backlog{limit: tc.limit}
			var seq uint64
			var dropped int64
			for _, st := range strings.Fields(tc.steps) {
				switch st[0] {
				case 'k', 'm':
					d := b.push(&entry{seq: seq, key: st == "k", payload: make([]byte, 100)})
					dropped += d.n
					seq++
				case 's':
					b.take()
				case 'r':
					var n uint64
					fmt.Sscanf(st[1:], "%d", &n)
					b.resume(n)
				}
			}
			var left []string
			var bytes int64
			for _, e := range b.items {
				s := fmt.Sprint(e.seq)
				if e.sent {
					s += "*"
				}
				left = append(left, s)
				bytes += int64(len(e.payload))
			}
			if got := strings.Join(left, " "); got != tc.left || dropped != tc.dropped {
				t.Errorf("left %q dropped %d, want %q dropped %d", got, dropped, tc.left, tc.dropped)
			}
			if bytes != b.bytes || bytes > b.limit {
				t.Errorf("bytes %d, counted %d, limit %d", bytes, b.bytes, b.limit)
			}
		})
	}
}

func TestPublishInitGenerations(t *testing.T) {
	p := NewPublisher(Config{Server: "http://127.0.0.1:1"}, proto.Hello{Sentinel: "cam-1"}, PublishOptions{})
	steps := []struct {
		gen  uint64
		data string
		ok   bool
	}{
		{0, "a", false},
		{1, "a", true},
		{1, "a", true}, // the same again: nothing to do
		{1, "b", false},
		{2, "b", true},
		{1, "a", false},
	}
	for _, s := range steps {
		if err := p.Init(s.gen, []byte(s.data)); (err == nil) != s.ok {
			t.Errorf("Init(%d, %q) = %v", s.gen, s.data, err)
		}
	}
}
