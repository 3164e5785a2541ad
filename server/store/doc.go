// Package store is Proctor's embedded segment storage.
//
// Each (session, sentinel) stream lives in Dir/streams/<sentinel>/<session>/
// as an append-only log of segment payloads, cut into chunk files of at
// most Config.ChunkSize (64 MiB), each with an index file of fixed-size
// 64-byte records: sequence, time, duration, flags, init generation,
// offset, size, the CRC32-C of the payload and a CRC32-C of the record
// itself. A chunk's two files are named by the logical offset of its first
// byte (16 hex digits, .log and .idx), so retention deletes whole old
// chunks without rewriting anything and offsets never change. Init
// segments are one file per generation (init-<gen>.mp4). There is never a
// file per segment.
//
// The index is kept in memory (72 bytes per segment); lookups by
// sequence and by time are binary searches. Append is called from one
// goroutine per stream; reads run concurrently (a RWMutex per stream).
// Reader returns an io.SectionReader over the chunk file for
// http.ServeContent. Chunk files open for reading are a bounded cache
// (Config.MaxOpenFiles, least recently used closed first); a read in
// progress holds its file, a reader between reads holds none.
//
// # Durability
//
// Append writes the payload, then its index record, with plain write(2)
// calls, so once Append returns the bytes are in the operating system's
// page cache. Config.Sync decides when they reach the disk:
//
//   - "always": both files are fsynced before Append returns. Nothing
//     acknowledged is ever lost; slowest.
//   - "interval" (default): every stream written to is fsynced once per
//     Config.SyncInterval (1 s) by a background goroutine (chunks that
//     filled up meanwhile included), and on Close. Append itself never
//     waits for the disk. A process crash (even SIGKILL) loses nothing
//     that Append acknowledged, since the page cache survives it; a power
//     loss or kernel crash may lose up to the last interval.
//   - "never": no fsync at all, not even on Close (so the next Open always
//     verifies tails); a power loss may lose whatever the kernel had not
//     written back yet. For tests and throwaway data.
//
// One Store at a time may open a directory: Open takes an exclusive lock on
// Dir/LOCK (flock) and fails with ErrLocked otherwise.
//
// Init segments are written to a temporary file, fsynced (unless "never")
// and renamed into place: each is whole or absent.
//
// # Recovery
//
// Recovery never deletes a byte of a chunk. Open reads every index and
// keeps each record whose own checksum holds, that lies within the log
// after the previous one and continues the sequence; a damaged record is
// skipped, not the end of its chunk. If anything is wrong with a chunk (a
// damaged or torn record, a missing index, log bytes after the last
// record, frame headers that do not match), its log is scanned for intact
// frames, which rebuild the index. Unless the last Store on the directory
// closed cleanly (Close leaves a CLEAN marker after syncing everything;
// Open removes it), it then reads back and verifies the payload checksums
// of the last Config.VerifyTail bytes (4 MiB) of each stream, across chunk
// boundaries, where an interrupted write or a power loss leaves its marks;
// a segment that fails is dropped, the ones after it are kept. Every byte
// that no kept record covers is copied to Dir/quarantine/<sentinel>/
// <session>/ (logged, counted in Stats) before the index is rewritten; a
// trailing run of such bytes (a torn tail) is then cut so appends continue
// after the last good record, and a chunk with nothing valid is moved
// there whole. Payload checks older data on demand.
//
// # Availability
//
// A write that fails with ENOSPC, EIO or EDQUOT is cut back (nothing of
// the segment stays in the log or the index) and returned wrapping
// ErrUnavailable with its cause: the caller retries the same segment
// later. Writable reports whether the store can write now (for a
// readiness check). With Config.MinFree set, a free-space guard reads the
// disk's free space at most once per Config.FreeSpaceEvery; below the
// minimum it runs size retention at once if Config.MaxBytes is set, and
// otherwise refuses appends (ErrUnavailable, ErrLowSpace) before the disk
// is full. Stats counts write errors and what recovery set aside;
// Config.Observe receives append and fsync latencies.
//
// # Retention
//
// With Config.MaxAge or Config.MaxBytes set, a goroutine owned by the
// Store calls Retain every Config.RetainEvery. Age retention drops chunks
// whose newest segment ended before the cutoff, and whole streams once all
// of their segments are older. Size retention drops the chunk holding the
// oldest segment of any stream until the total fits, removing a stream
// (with its init segments) when its last chunk goes, even if it is still
// being appended to; the next Append then starts the stream afresh.
package store
