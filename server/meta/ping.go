package meta

import (
	"context"
	"fmt"
)

// Ping checks that the database answers, for the server's readiness
// check: one query through the writer's connection (it waits for a
// transaction in progress, so bound ctx) and one through the readers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.w.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database writer: %w", err)
	}
	if err := db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database readers: %w", err)
	}
	return nil
}
