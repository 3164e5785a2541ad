package testredis

import (
	"testing"

	"proctor/internal/redisproc"
)

func TestKillStopsAndStartRestartsOnSameAddr(t *testing.T) {
	s := Start(t)
	if err := redisproc.Ping(s.Addr); err != nil {
		t.Fatal(err)
	}
	pid := s.Pid()
	s.Kill()
	if err := redisproc.Ping(s.Addr); err == nil {
		t.Fatalf("redis-server pid %d still answers on %s after Kill", pid, s.Addr)
	}
	s.Start()
	if err := redisproc.Ping(s.Addr); err != nil {
		t.Fatal(err)
	}
	if s.Pid() == pid {
		t.Fatal("restart kept the old pid")
	}
}
