//go:build !unix

package store

import "os"

// lockDir is a no-op where flock is not available: one Store per directory
// is then up to the caller.
func lockDir(dir string) (*os.File, error) { return nil, nil }
