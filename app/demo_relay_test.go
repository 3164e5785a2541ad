//go:build !serveronly

package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"proctor/proto"
	"proctor/sentinel"
	"proctor/server/auth"
)

// TestDemoSentinelGoesOfflineAndBack runs the embedded demo server and a
// demo webcam Sentinel with an offline cue: the server must see it live,
// then gone (its connection cut by the relay), then live again in the same
// session.
func TestDemoSentinelGoesOfflineAndBack(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.DiscardHandler)
	srvCtx, srvCancel := context.WithCancel(context.Background())
	srvURL, signer, wait, err := demoServer(srvCtx, t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srvCancel(); wait() }()

	id := "exam-test-cam"
	hello := proto.Hello{Sentinel: id, Session: "exam-test", Source: proto.SourceWebcam, Details: map[string]string{"name": "Test"}}
	cues := []sentinel.Cue{{Kind: sentinel.CueOffline, At: 2 * time.Second, For: 4 * time.Second}}
	dc := demoConfig{width: 320, height: 180, fps: 5}
	var wg sync.WaitGroup
	wg.Go(func() {
		tok := signer.Sign(auth.Claims{Role: auth.RoleSentinel, Subject: id})
		if err := demoSentinel(ctx, srvURL, tok, hello, cues, dc, log); err != nil && ctx.Err() == nil {
			t.Errorf("demo sentinel: %v", err)
		}
	})
	defer wg.Wait()
	defer cancel()

	admin := signer.Sign(auth.Claims{Role: auth.RoleAdmin, Expiry: time.Now().Add(time.Hour).Unix()})
	// live reports whether the server lists id as live, and in which session.
	live := func() (bool, string) {
		req, _ := http.NewRequest("GET", srvURL+"/v1/sentinels", nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Sentinels []struct {
				ID, Session, State string
			} `json:"sentinels"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("GET /v1/sentinels: %v", err)
		}
		for _, s := range body.Sentinels {
			if s.ID == id && s.State != "offline" {
				return true, s.Session
			}
		}
		return false, ""
	}
	var seen []bool
	sessions := map[string]bool{}
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) && !slices.Equal(seen, []bool{true, false, true}) {
		on, sess := live()
		if (len(seen) == 0 && on) || (len(seen) > 0 && seen[len(seen)-1] != on) {
			seen = append(seen, on)
		}
		if on {
			sessions[sess] = true
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !slices.Equal(seen, []bool{true, false, true}) {
		t.Fatalf("live states seen %v, want live, gone, live", seen)
	}
	if len(sessions) != 1 || !sessions["exam-test"] {
		t.Errorf("sessions %v, want exam-test throughout", sessions)
	}
}
