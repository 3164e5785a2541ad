package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"proctor/proto"
)

type key struct{ sentinel, session string }

// Store is the embedded segment storage: one stream per (session,
// sentinel). Its methods are safe for concurrent use; Append must not be
// called concurrently for the same stream.
type Store struct {
	cfg   Config
	log   *slog.Logger
	root  string       // cfg.Dir/streams
	usage atomic.Int64 // bytes on disk, all streams
	quar  *quarantine
	files *fileCache // chunk logs open for reading, all streams
	guard *spaceGuard

	lastErr     atomic.Pointer[failure] // the last transient write error, nil once a write succeeds
	writeErrors atomic.Int64            // appends refused or failed as ErrUnavailable
	retainNow   chan struct{}           // asks the retention goroutine to run at once

	mu         sync.RWMutex // guards the fields below; taken before any stream's lock
	streams    map[key]*stream
	bySentinel map[string]map[string]*stream // sentinel -> session -> stream
	closed     bool

	retainMu sync.Mutex // one Retain at a time, none after Close
	lock     *os.File   // holds the directory lock until Close
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// Open opens (creating if needed) the store in cfg.Dir, recovers every
// stream (cutting torn tails, see loadStream; payloads are read back only
// if the last Store on the directory did not Close cleanly) and starts the
// sync and retention goroutines, which Close stops.
func Open(cfg Config, log *slog.Logger) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{
		cfg: cfg, log: log.With("component", "store"), root: filepath.Join(cfg.Dir, "streams"),
		streams: map[key]*stream{}, bySentinel: map[string]map[string]*stream{},
	}
	s.files = newFileCache(cfg.MaxOpenFiles)
	s.guard = &spaceGuard{dir: cfg.Dir, min: cfg.MinFree, every: cfg.FreeSpaceEvery, free: cfg.FreeSpace, log: s.log, last: -1}
	s.quar = &quarantine{root: filepath.Join(cfg.Dir, quarantineDir), sync: cfg.Sync != SyncNever, log: s.log}
	if err := os.MkdirAll(s.root, 0o755); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	lock, err := lockDir(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.lock = lock
	clean, err := takeClean(cfg.Dir)
	if err != nil {
		s.unlock()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.load(!clean); err != nil {
		for _, st := range s.streams {
			st.close()
		}
		s.unlock()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.log.Info("store opened", "dir", cfg.Dir, "streams", len(s.streams), "bytes", s.usage.Load(),
		"sync", cfg.Sync, "clean", clean)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if cfg.Sync == SyncInterval {
		s.every(ctx, cfg.SyncInterval, func() {
			if err := s.Sync(); err != nil {
				s.noteWrite(transient(err))
				s.log.Error("sync", "err", err)
			}
		})
	}
	if cfg.MaxAge > 0 || cfg.MaxBytes > 0 {
		s.retainNow = make(chan struct{}, 1)
		s.wg.Add(1)
		go s.retainLoop(ctx)
	}
	return s, nil
}

// every runs f every period until ctx is done, in a goroutine Close waits for.
func (s *Store) every(ctx context.Context, period time.Duration, f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				f()
			}
		}
	}()
}

// load opens every stream directory under root, verifying the payloads of
// their tails if verify (the last Store did not close cleanly).
func (s *Store) load(verify bool) error {
	sentinels, err := os.ReadDir(s.root)
	if err != nil {
		return err
	}
	for _, sd := range sentinels {
		if !sd.IsDir() || !proto.ValidID(sd.Name()) {
			s.log.Warn("ignoring entry in store", "name", sd.Name())
			continue
		}
		sessions, err := os.ReadDir(filepath.Join(s.root, sd.Name()))
		if err != nil {
			return err
		}
		for _, sn := range sessions {
			if !sn.IsDir() || !proto.ValidID(sn.Name()) {
				s.log.Warn("ignoring entry in store", "name", filepath.Join(sd.Name(), sn.Name()))
				continue
			}
			dir := filepath.Join(s.root, sd.Name(), sn.Name())
			st, err := loadStream(dir, sd.Name(), sn.Name(), &s.cfg, &s.usage, s.log, s.quar, s.files, verify)
			if err != nil {
				return err
			}
			s.add(st)
		}
	}
	return nil
}

// add registers st. Caller holds s.mu (or has not published s yet).
func (s *Store) add(st *stream) {
	s.streams[key{st.sentinel, st.session}] = st
	m := s.bySentinel[st.sentinel]
	if m == nil {
		m = map[string]*stream{}
		s.bySentinel[st.sentinel] = m
	}
	m[st.session] = st
}

// Close syncs and closes every stream and stops the goroutines. Later calls
// return ErrClosed from every method but Close.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.retainMu.Lock()
	defer s.retainMu.Unlock()
	var err error
	for _, st := range s.snapshot() {
		err = errors.Join(err, st.close())
	}
	s.files.close()
	if err == nil && s.cfg.Sync != SyncNever {
		err = putClean(s.cfg.Dir)
	}
	s.unlock()
	s.log.Info("store closed", "err", err)
	return err
}

func (s *Store) unlock() {
	if s.lock != nil {
		s.lock.Close()
	}
}

func checkIDs(session, sentinel string) error {
	if !proto.ValidID(session) || !proto.ValidID(sentinel) {
		return fmt.Errorf("%w: stream %q/%q: ids must be 1-64 characters of a-z A-Z 0-9 - _", ErrInvalid, sentinel, session)
	}
	return nil
}

// get returns an existing stream.
func (s *Store) get(session, sentinel string) (*stream, error) {
	if err := checkIDs(session, sentinel); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	st := s.streams[key{sentinel, session}]
	if st == nil {
		return nil, fmt.Errorf("%w: stream %s/%s", ErrNotFound, sentinel, session)
	}
	return st, nil
}

// create returns the stream, creating its directory if it is new.
func (s *Store) create(session, sentinel string) (*stream, error) {
	st, err := s.get(session, sentinel)
	if !errors.Is(err, ErrNotFound) {
		return st, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if st := s.streams[key{sentinel, session}]; st != nil {
		return st, nil
	}
	dir := filepath.Join(s.root, sentinel, session)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create stream: %w", err)
	}
	if s.cfg.Sync != SyncNever {
		if err := errors.Join(syncDir(filepath.Dir(dir)), syncDir(s.root)); err != nil {
			return nil, fmt.Errorf("create stream: %w", err)
		}
	}
	st = &stream{session: session, sentinel: sentinel, dir: dir, cfg: &s.cfg, usage: &s.usage,
		log: s.log, quar: s.quar, files: s.files, inits: map[uint64]int64{}}
	s.add(st)
	return st, nil
}

// snapshot lists the streams, ordered by sentinel then session.
func (s *Store) snapshot() []*stream {
	s.mu.RLock()
	out := make([]*stream, 0, len(s.streams))
	for _, st := range s.streams {
		out = append(out, st)
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *stream) int {
		return cmp.Or(cmp.Compare(a.sentinel, b.sentinel), cmp.Compare(a.session, b.session))
	})
	return out
}

// Sync flushes everything appended so far to stable storage.
func (s *Store) Sync() error {
	var err error
	for _, st := range s.snapshot() {
		err = errors.Join(err, st.sync())
	}
	return err
}

// Usage is the total size on disk of all streams, in bytes.
func (s *Store) Usage() int64 { return s.usage.Load() }

// Streams summarises every stored stream, ordered by sentinel then session.
func (s *Store) Streams() []StreamInfo {
	sts := s.snapshot()
	out := make([]StreamInfo, len(sts))
	for i, st := range sts {
		out[i] = st.info()
	}
	return out
}

// Reader returns the payload bytes of rec, a record this store returned,
// for http.ServeContent. It holds no open file between reads (see
// fileCache); once retention has dropped the segment's chunk its reads
// fail with ErrNotFound, and with ErrClosed after Close.
func (s *Store) Reader(session, sentinel string, rec Record) (*io.SectionReader, error) {
	st, err := s.get(session, sentinel)
	if err != nil {
		return nil, err
	}
	return st.reader(rec)
}
