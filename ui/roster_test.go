package ui

import (
	"testing"

	"proctor/proto"
)

type protoSentinels struct{ list []proto.SentinelInfo }

func (p protoSentinels) msg() *proto.Sentinels {
	return &proto.Sentinels{Type: proto.TypeSentinels, Sentinels: p.list}
}

func TestRoster(t *testing.T) {
	r := NewRoster()
	list := sentinels(6)
	list[0].Details = map[string]string{"name": "Ada Lovelace"}
	list[3].State = proto.SentinelStalled
	list[5].State = proto.SentinelOffline
	r.Apply(protoSentinels{list}.msg())
	if live, stalled, offline := r.Counts(); live != 4 || stalled != 1 || offline != 1 {
		t.Errorf("counts %d %d %d", live, stalled, offline)
	}
	gs := r.Groups("")
	if len(gs) != 3 || gs[1].Stalled != 1 || gs[2].Offline != 1 {
		t.Fatalf("groups %+v", gs)
	}
	if got := r.List("ada"); len(got) != 1 || got[0].ID != "s00" {
		t.Errorf("search by detail: %+v", got)
	}
	if got := r.List("exam01 screen"); len(got) != 1 || got[0].ID != "s03" {
		t.Errorf("search by two words: %+v", got)
	}
	ev := &proto.SentinelEvent{Type: proto.TypeSentinel, SentinelInfo: list[5]}
	ev.SessionState = proto.SessionClosed
	if !r.Apply(ev) || r.Len() != 5 {
		t.Errorf("closed session not removed: %d", r.Len())
	}
	ev2 := &proto.SentinelEvent{Type: proto.TypeSentinel, SentinelInfo: proto.SentinelInfo{ID: "new", Session: "exam00", Source: "screen", State: "live"}}
	r.Apply(ev2)
	if s := r.Session("exam00"); len(s) != 3 || s[0].Source != proto.SourceWebcam {
		t.Errorf("session exam00: %+v", s)
	}
}
