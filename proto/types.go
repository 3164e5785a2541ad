package proto

import "time"

// States of a live Sentinel as seen by watchers.
const (
	SentinelLive    = "live"    // publishing, segments arriving on time
	SentinelStalled = "stalled" // connected or within grace, but no segment for a while
	SentinelOffline = "offline" // gone; listed until its session closes
)

// Session states (seed 003 lifecycle). Closed, truncated and abandoned are
// final: a session never re-opens.
const (
	SessionWaiting   = "waiting"
	SessionOpen      = "open"
	SessionClosed    = "closed"
	SessionTruncated = "truncated"
	SessionAbandoned = "abandoned"
)

// SessionFinal reports whether state is one of the closed states.
func SessionFinal(state string) bool {
	return state == SessionClosed || state == SessionTruncated || state == SessionAbandoned
}

// SentinelInfo describes one live Sentinel: GET /v1/sentinels, the watch
// "sentinels" list and "sentinel" events.
type SentinelInfo struct {
	ID           string            `json:"id"`
	Session      string            `json:"session"`
	Source       string            `json:"source"`
	State        string            `json:"state"`
	SessionState string            `json:"session_state,omitempty"`
	Details      map[string]string `json:"details,omitempty"`
	Codec        string            `json:"codec,omitempty"`
	Width        int               `json:"width"`
	Height       int               `json:"height"`
	FPS          float64           `json:"fps"`
	Bitrate      int64             `json:"bitrate"` // bits per second over the memory window
	Generation   uint64            `json:"generation"`
	LastSequence uint64            `json:"last_sequence"`
	LastTime     time.Time         `json:"last_time"` // wall-clock start of the last segment
	Watchers     int               `json:"watchers"`
}

// Session is one sitting: GET /v1/sessions/{sid}. Duration is in
// milliseconds; times are RFC 3339 with fractions.
type Session struct {
	ID        string            `json:"id"`
	Type      string            `json:"type"`
	State     string            `json:"state"`
	Start     time.Time         `json:"start"`
	End       *time.Time        `json:"end,omitempty"`
	Duration  int64             `json:"duration"`
	Heartbeat time.Time         `json:"heartbeat"`
	Quality   float64           `json:"quality"`
	Details   map[string]string `json:"details"`
	Sentinels []string          `json:"sentinels"`
	Markers   int               `json:"markers"`
}

// SessionList is a page of GET /v1/sessions, newest first. NextCursor is
// empty on the last page.
type SessionList struct {
	Sessions   []Session `json:"sessions"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// Segment describes one stored media segment. Duration is in milliseconds
// as the contract says; DurationUS keeps the exact value.
type Segment struct {
	Sequence      uint64    `json:"sequence"`
	Start         time.Time `json:"start"`
	Duration      int64     `json:"duration"`
	DurationUS    uint32    `json:"duration_us"`
	Size          int64     `json:"size"`
	Keyframe      bool      `json:"keyframe"`
	Discontinuity bool      `json:"discontinuity,omitempty"`
	Generation    uint64    `json:"generation"`
}

// SegmentList answers GET /v1/sessions/{sid}/sentinels/{id}/segments.
type SegmentList struct {
	Sentinel string    `json:"sentinel"`
	Session  string    `json:"session"`
	Segments []Segment `json:"segments"`
	// NextCursor, when set, fetches the next page (?cursor=); the list is
	// complete when it is empty.
	NextCursor string `json:"next_cursor,omitempty"`
}

// Marker is an incident flagged by a proctor or reviewer. Time is the
// media wall-clock time it points at; Created when it was made.
type Marker struct {
	ID       int64     `json:"id,omitempty"`
	Session  string    `json:"session,omitempty"`
	Sentinel string    `json:"sentinel"`
	Time     time.Time `json:"time"`
	Label    string    `json:"label"`
	Note     string    `json:"note,omitempty"`
	Author   string    `json:"author,omitempty"`
	Created  time.Time `json:"created,omitempty"`
}

// MarkerList answers GET /v1/sessions/{sid}/markers.
type MarkerList struct {
	Markers []Marker `json:"markers"`
}

// HTTPError is the body of every HTTP error response.
type HTTPError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Health answers GET /healthz.
type Health struct {
	// Status is "ok", or "degraded" (a cluster node whose Redis is
	// unreachable: local ingest and watching go on) with Reason.
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Version string `json:"version"`
	Uptime  int64  `json:"uptime_s"`
}

// ProtocolVersion is reported by /healthz and checked by clients: a client
// refuses a server whose major protocol version differs.
const ProtocolVersion = "1"
