package meta

import (
	"context"
	"fmt"
)

// AddHolder records that server node holds (a copy of) sentinel's
// segments, or refreshes when it last said so. The cluster fills this
// table as nodes ingest and replicate; any node then finds where to serve
// a Sentinel's history from.
func (db *DB) AddHolder(ctx context.Context, sentinel, node string) error {
	if err := checkID("sentinel", sentinel); err != nil {
		return err
	}
	if err := checkID("node", node); err != nil {
		return err
	}
	err := db.tx(ctx, func(tx conn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO segment_holders (sentinel, node, updated) VALUES (?, ?, ?)
			ON CONFLICT (sentinel, node) DO UPDATE SET updated = excluded.updated`, sentinel, node, us(db.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("add holder %s of %s: %w", node, sentinel, err)
	}
	return nil
}

// RemoveHolder records that node no longer holds sentinel's segments (its
// copy was deleted or lost). Removing an absent holder is a no-op.
func (db *DB) RemoveHolder(ctx context.Context, sentinel, node string) error {
	err := db.tx(ctx, func(tx conn) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM segment_holders WHERE sentinel = ? AND node = ?", sentinel, node)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove holder %s of %s: %w", node, sentinel, err)
	}
	return nil
}

// Holders returns the nodes holding sentinel's segments, sorted; empty
// (not nil) when none is known.
func (db *DB) Holders(ctx context.Context, sentinel string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT node FROM segment_holders WHERE sentinel = ? ORDER BY node", sentinel)
	if err != nil {
		return nil, fmt.Errorf("holders of %s: %w", sentinel, err)
	}
	defer rows.Close()
	nodes := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("holders of %s: %w", sentinel, err)
		}
		nodes = append(nodes, n)
	}
	return nodes, rows.Err()
}
