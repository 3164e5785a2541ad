package ratelog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	clock := time.Unix(0, 0)
	l := &Limiter{Every: time.Second, Now: func() time.Time { return clock }}
	steps := []struct {
		name    string
		advance time.Duration
		key     string
		want    string // the line written, "" for none
	}{
		{"first line", 0, "gap/a", "msg=gap\n"},
		{"same key at once", 100 * time.Millisecond, "gap/a", ""},
		{"other key", 0, "gap/b", "msg=gap\n"},
		{"same key again", 100 * time.Millisecond, "gap/a", ""},
		{"after the period", time.Second, "gap/a", "msg=gap suppressed=2\n"},
		{"nothing suppressed since", time.Second, "gap/a", "msg=gap\n"},
	}
	for _, s := range steps {
		clock = clock.Add(s.advance)
		buf.Reset()
		l.Log(log, slog.LevelWarn, s.key, "gap")
		got := buf.String()
		if i := strings.Index(got, "msg="); i >= 0 {
			got = got[i:]
		}
		if got != s.want {
			t.Errorf("%s: logged %q, want %q", s.name, got, s.want)
		}
	}
}

func TestLimiterForgetsKeys(t *testing.T) {
	clock := time.Unix(0, 0)
	l := &Limiter{Now: func() time.Time { return clock }}
	for i := 0; i < 3*maxKeys; i++ {
		l.allow(strings.Repeat("k", i%7) + string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if n := len(l.keys); n > maxKeys {
		t.Fatalf("%d keys remembered, bound %d", n, maxKeys)
	}
}
