package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

// TestMarkerEvent: a marker added over HTTP reaches every watcher at once.
func TestMarkerEvent(t *testing.T) {
	e := startServer(t, nil)
	e.publish(t, "cam1", "mk")
	w := e.watch(t)
	body := `{"sentinel":"cam1","time":"2026-11-22T10:00:00Z","label":"phone"}`
	req, _ := http.NewRequest("POST", e.http+"/v1/sessions/mk/markers", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.token(auth.RoleProctor, "alice"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("add marker: %s", resp.Status)
	}
	w.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		m, err := readJSON(w)
		if err != nil {
			t.Fatal(err)
		}
		if ev, ok := m.(*proto.MarkerEvent); ok {
			if ev.Session != "mk" || ev.Label != "phone" || ev.Author != "alice" || ev.ID == 0 {
				t.Fatalf("marker event %+v", ev)
			}
			return
		}
	}
}
