package store

import (
	"errors"
	"os"
	"path/filepath"
)

// cleanName marks a directory whose last Store closed cleanly, having
// synced everything: the next Open can skip reading payloads back to
// verify them, which matters with many streams. Open removes the marker
// (durably) before anything is written, so a crash afterwards leaves none.
const cleanName = "CLEAN"

// takeClean reports whether dir has the clean marker and removes it.
func takeClean(dir string) (bool, error) {
	path := filepath.Join(dir, cleanName)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if err := os.Remove(path); err != nil {
		return false, err
	}
	return true, syncDir(dir)
}

// putClean marks dir clean; Close calls it once every stream is synced
// and closed without error, never with SyncNever (nothing was synced).
func putClean(dir string) error {
	if err := writeFile(filepath.Join(dir, cleanName), nil, true); err != nil {
		return err
	}
	return syncDir(dir)
}
