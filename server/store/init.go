package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Init segments are small and rare (one per generation), so each is a file
// of its own, written to a temporary name, fsynced (unless SyncNever) and
// renamed into place: an init segment is either wholly there or not at all.

// putInit stores the init segment of generation gen, replacing any earlier
// one of the same generation.
func (st *stream) putInit(gen uint64, payload []byte) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.removed {
		return errRemoved
	}
	path := filepath.Join(st.dir, initName(gen))
	tmp := path + tmpExt
	sync := st.cfg.Sync != SyncNever
	err := writeFile(tmp, payload, sync)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil && sync {
		err = syncDir(st.dir)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: store init %d: %w", st.name(), gen, err)
	}
	size := int64(len(payload))
	st.usage.Add(size - st.inits[gen])
	st.inits[gen] = size
	return nil
}

// writeFile writes b to path, fsyncing it if sync.
func writeFile(path string, b []byte, sync bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil && sync {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// readInit returns the init segment of generation gen.
func (st *stream) readInit(gen uint64) ([]byte, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if _, found := st.inits[gen]; !found {
		return nil, fmt.Errorf("%w: %s: init generation %d", ErrNotFound, st.name(), gen)
	}
	b, err := os.ReadFile(filepath.Join(st.dir, initName(gen)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s: init generation %d", ErrNotFound, st.name(), gen)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: read init %d: %w", st.name(), gen, err)
	}
	return b, nil
}

// generations returns the stored init generations, ascending.
func (st *stream) generations() []uint64 {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.generationsLocked()
}

func (st *stream) generationsLocked() []uint64 {
	gens := make([]uint64, 0, len(st.inits))
	for g := range st.inits {
		gens = append(gens, g)
	}
	slices.Sort(gens)
	return gens
}
