package proto

import (
	"encoding/json"
	"fmt"
	"math"
)

// Types of the JSON control messages carried in WebSocket text frames.
const (
	TypeHello       = "hello"
	TypeWelcome     = "welcome"
	TypeDetails     = "details"
	TypeEnd         = "end"
	TypeKeyframe    = "keyframe"
	TypeFPS         = "fps"
	TypeError       = "error"
	TypeSentinels   = "sentinels"
	TypeSentinel    = "sentinel"
	TypeSubscribe   = "subscribe"
	TypeUnsubscribe = "unsubscribe"
	TypeSkipped     = "skipped"
	TypeMarker      = "marker"
	TypeSession     = "session"
)

// Sources a Sentinel may declare in its hello.
const (
	SourceWebcam = "webcam"
	SourceScreen = "screen"
	SourceFile   = "file"
	SourceTest   = "test"
)

// MaxDetails bounds the number of details entries and MaxDetailLen the
// length of each key and value, so a client cannot grow server state freely.
const (
	MaxDetails   = 64
	MaxDetailLen = 1024
	// MaxFPS is the highest frame rate a watcher may ask for.
	MaxFPS = 120
)

// Hello is the first message of a Sentinel on /v1/ingest.
type Hello struct {
	Type     string            `json:"type"`
	Sentinel string            `json:"sentinel"`
	Session  string            `json:"session,omitempty"`
	Source   string            `json:"source,omitempty"`
	Details  map[string]string `json:"details,omitempty"`
}

// Welcome answers a Hello. Next is the media sequence the server expects;
// Generation the last init generation it stored (0: none yet).
type Welcome struct {
	Type       string `json:"type"`
	Session    string `json:"session"`
	Next       uint64 `json:"next"`
	Generation uint64 `json:"generation"`
}

// Details replaces the session details of the sending Sentinel's session.
type Details struct {
	Type    string            `json:"type"`
	Details map[string]string `json:"details"`
}

// End announces a clean close by a Sentinel.
type End struct {
	Type string `json:"type"`
}

// Keyframe asks for an IDR frame next. From a watcher it names the
// Sentinel; from the server to a Sentinel, Sentinel is empty.
type Keyframe struct {
	Type     string `json:"type"`
	Sentinel string `json:"sentinel,omitempty"`
}

// FPS asks for a frame rate. From a watcher it names the Sentinel and 0
// withdraws the request; from the server to a Sentinel it is the highest
// rate any watcher asks for, or the Sentinel's own rate (0) when none does.
type FPS struct {
	Type     string  `json:"type"`
	Sentinel string  `json:"sentinel,omitempty"`
	FPS      float64 `json:"fps"`
}

// Error reports a refused request. Fatal errors are followed by a close.
type Error struct {
	Type     string `json:"type"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Sentinel string `json:"sentinel,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// NewError builds an error message.
func NewError(code, format string, args ...any) *Error {
	return &Error{Type: TypeError, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Sentinels is the live list a watcher gets on connect.
type Sentinels struct {
	Type      string         `json:"type"`
	Sentinels []SentinelInfo `json:"sentinels"`
}

// SessionEvent is the session object on GET /v1/sessions/{sid}/stream:
// first, then again whenever the session's state changes.
type SessionEvent struct {
	Type    string  `json:"type"`
	Session Session `json:"session"`
}

// SentinelEvent tells watchers that one Sentinel changed.
type SentinelEvent struct {
	Type string `json:"type"`
	SentinelInfo
}

// Subscribe asks for the live streams of the listed Sentinels. From, when
// set, resumes each listed stream after that sequence if it is still in the
// memory window (a client resuming several streams sends one Subscribe each).
type Subscribe struct {
	Type      string   `json:"type"`
	Sentinels []string `json:"sentinels"`
	From      *uint64  `json:"from,omitempty"`
}

// Unsubscribe ends live streams.
type Unsubscribe struct {
	Type      string   `json:"type"`
	Sentinels []string `json:"sentinels"`
}

// Skipped tells a watcher it fell behind the memory window: segments
// From..To were not sent and can be fetched over HTTP.
type Skipped struct {
	Type     string `json:"type"`
	Sentinel string `json:"sentinel"`
	From     uint64 `json:"from"`
	To       uint64 `json:"to"`
}

// MarkerEvent tells watchers that a marker was added, so every proctor's
// timeline shows it at once.
type MarkerEvent struct {
	Type string `json:"type"`
	Marker
}

// Encode marshals a control message. Messages are plain structs, so this
// only fails for a non-finite FPS, which it refuses.
func Encode(m any) ([]byte, error) {
	if f, ok := m.(*FPS); ok && (math.IsNaN(f.FPS) || math.IsInf(f.FPS, 0)) {
		return nil, fmt.Errorf("%w: fps %v", ErrMessage, f.FPS)
	}
	return json.Marshal(m)
}

// DecodeMessage parses and validates one JSON control message. It returns
// a pointer to the typed message (*Hello, *Subscribe, ...). Errors wrap
// ErrMessage or ErrID.
func DecodeMessage(b []byte) (any, error) {
	var peek struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &peek); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMessage, err)
	}
	var m interface{ validate() error }
	switch peek.Type {
	case TypeHello:
		m = &Hello{}
	case TypeWelcome:
		m = &Welcome{}
	case TypeDetails:
		m = &Details{}
	case TypeEnd:
		m = &End{}
	case TypeKeyframe:
		m = &Keyframe{}
	case TypeFPS:
		m = &FPS{}
	case TypeError:
		m = &Error{}
	case TypeSentinels:
		m = &Sentinels{}
	case TypeSentinel:
		m = &SentinelEvent{}
	case TypeSubscribe:
		m = &Subscribe{}
	case TypeUnsubscribe:
		m = &Unsubscribe{}
	case TypeSkipped:
		m = &Skipped{}
	case TypeMarker:
		m = &MarkerEvent{}
	case TypeSession:
		m = &SessionEvent{}
	case "":
		return nil, fmt.Errorf("%w: missing \"type\"", ErrMessage)
	default:
		return nil, fmt.Errorf("%w: unknown type %q", ErrMessage, peek.Type)
	}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMessage, peek.Type, err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func checkDetails(d map[string]string) error {
	if len(d) > MaxDetails {
		return fmt.Errorf("%w: %d details, at most %d", ErrMessage, len(d), MaxDetails)
	}
	for k, v := range d {
		if k == "" || len(k) > MaxDetailLen || len(v) > MaxDetailLen {
			return fmt.Errorf("%w: detail keys must be 1-%d bytes and values at most %d", ErrMessage, MaxDetailLen, MaxDetailLen)
		}
	}
	return nil
}

func checkIDs(ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("%w: empty \"sentinels\"", ErrMessage)
	}
	for _, id := range ids {
		if err := CheckID("sentinel", id); err != nil {
			return err
		}
	}
	return nil
}

func (m *Hello) validate() error {
	if err := CheckID("sentinel", m.Sentinel); err != nil {
		return err
	}
	if m.Session != "" {
		if err := CheckID("session", m.Session); err != nil {
			return err
		}
	}
	switch m.Source {
	case "", SourceWebcam, SourceScreen, SourceFile, SourceTest:
	default:
		return fmt.Errorf("%w: unknown source %q", ErrMessage, m.Source)
	}
	return checkDetails(m.Details)
}

func (m *Welcome) validate() error { return CheckID("session", m.Session) }
func (m *Details) validate() error { return checkDetails(m.Details) }
func (m *End) validate() error     { return nil }

func (m *Keyframe) validate() error {
	if m.Sentinel != "" {
		return CheckID("sentinel", m.Sentinel)
	}
	return nil
}

func (m *FPS) validate() error {
	if m.FPS < 0 || m.FPS > MaxFPS || math.IsNaN(m.FPS) {
		return fmt.Errorf("%w: fps %v out of range 0-%d", ErrMessage, m.FPS, MaxFPS)
	}
	if m.Sentinel != "" {
		return CheckID("sentinel", m.Sentinel)
	}
	return nil
}

func (m *Error) validate() error {
	if m.Code == "" {
		return fmt.Errorf("%w: error without code", ErrMessage)
	}
	return nil
}

func (m *Sentinels) validate() error     { return nil }
func (m *SentinelEvent) validate() error { return CheckID("sentinel", m.ID) }
func (m *Subscribe) validate() error     { return checkIDs(m.Sentinels) }
func (m *Unsubscribe) validate() error   { return checkIDs(m.Sentinels) }
func (m *Skipped) validate() error       { return CheckID("sentinel", m.Sentinel) }
func (m *MarkerEvent) validate() error   { return CheckID("session", m.Session) }
func (m *SessionEvent) validate() error  { return CheckID("session", m.Session.ID) }
