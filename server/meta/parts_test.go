package meta

import (
	"context"
	"testing"
	"time"
)

// TestEndPart: a session's parts end one by one; re-attaching takes part
// again; the opener is the first Sentinel attached.
func TestEndPart(t *testing.T) { eachBackend(t, testEndPart) }

func testEndPart(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	clock := t0
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	mustStart(t, db, "exam42", nil, t0)
	for _, id := range []string{"cam-b", "cam-a"} {
		if err := db.AttachSentinel(ctx, "exam42", id, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if o, err := db.Opener(ctx, "exam42"); err != nil || o != "cam-b" {
		t.Fatalf("opener %q, %v; want cam-b", o, err)
	}
	steps := []struct {
		name, sentinel string
		attach         bool
		want           int
	}{
		{"cam-a ends", "cam-a", false, 1},
		{"cam-a ends again", "cam-a", false, 1},
		{"cam-a rejoins", "cam-a", true, 2},
		{"cam-b ends", "cam-b", false, 1},
		{"cam-a ends last", "cam-a", false, 0},
	}
	for _, s := range steps {
		if s.attach {
			if err := db.AttachSentinel(ctx, "exam42", s.sentinel, "test"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		n, err := db.EndPart(ctx, "exam42", s.sentinel)
		if err != nil || n != s.want {
			t.Fatalf("%s: %d remaining, %v; want %d", s.name, n, err, s.want)
		}
	}
}
