package meta

import (
	"context"
	"testing"
)

func TestPing(t *testing.T) { eachBackend(t, testPing) }

func testPing(t *testing.T) {
	db, _ := openTest(t)
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("Ping of an open database: %v", err)
	}
	db.Close()
	if err := db.Ping(context.Background()); err == nil {
		t.Fatal("Ping of a closed database succeeded")
	}
}
