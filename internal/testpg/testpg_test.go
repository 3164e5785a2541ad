package testpg

import (
	"context"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestStartQueryStop: a cluster answers queries on two fresh databases and
// its postmaster is gone, folder removed, after Stop.
func TestStartQueryStop(t *testing.T) {
	c, err := Start()
	if err != nil {
		missing(t, err)
	}
	ctx := context.Background()
	for range 2 {
		url, err := c.CreateDB(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		var db string
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil || url != c.URL(db) {
			t.Fatalf("database %q, %v (url %s)", db, err, url)
		}
		conn.Close(ctx)
	}
	pid, dir := c.pid, c.dir
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if syscall.Kill(pid, 0) == nil {
		t.Fatalf("postmaster %d still running", pid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("folder %s left: %v", dir, err)
	}
}
