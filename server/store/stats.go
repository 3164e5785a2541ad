package store

// Stats are the store's counters since Open, for the server's metrics.
type Stats struct {
	// Quarantined is the number of files recovery set aside in
	// Dir/quarantine (damaged records, torn tails, unreadable chunks,
	// replaced indexes); QuarantinedBytes their size.
	Quarantined, QuarantinedBytes int64
	// WriteErrors counts appends that failed or were refused with
	// ErrUnavailable (a full disk, an I/O error, the free-space guard), and
	// background syncs that failed so.
	WriteErrors int64
	// OpenFiles is the chunk logs open for reading now (at most
	// Config.MaxOpenFiles while no more are being read at once).
	OpenFiles int
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{Quarantined: s.quar.files.Load(), QuarantinedBytes: s.quar.bytes.Load(),
		WriteErrors: s.writeErrors.Load(), OpenFiles: s.files.open()}
}
