package live

import (
	"sync"
	"time"

	"proctor/proto"
	"proctor/server/hub"
)

// Sentinel is the live state of one Sentinel id: what watchers see of it,
// its current publisher, and the frame rate watchers ask of it. The
// publishing connection updates it; the registry lists it.
type Sentinel struct {
	id string

	mu         sync.Mutex
	stream     *hub.Stream        // refreshed from the hub by every attach
	info       proto.SentinelInfo // Watchers, Bitrate and sequence fields are filled at snapshot
	pub        Publisher          // nil while offline
	lastSeg    time.Time          // wall clock of the last received segment
	fpsReq     map[Watcher]float64
	sentFPS    float64
	received   int64 // segments received since the last heartbeat
	expected   int64 // segments expected since the last heartbeat
	mediaEnd   time.Time
	hasSegment bool
}

// ID is the Sentinel's id.
func (sn *Sentinel) ID() string { return sn.id }

// Snapshot returns the info watchers get.
func (sn *Sentinel) Snapshot() proto.SentinelInfo {
	sn.mu.Lock()
	info, stream := sn.info, sn.stream
	sn.mu.Unlock()
	st := stream.Stats()
	info.Watchers = st.Watchers
	if st.Span > 0 {
		info.Bitrate = int64(float64(st.Bytes*8) / st.Span.Seconds())
	}
	return info
}

// SetFPS records watcher w's frame rate request (0 withdraws it) and
// forwards the highest current request to the publisher when it changes.
func (sn *Sentinel) SetFPS(w Watcher, fps float64) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if fps == 0 {
		delete(sn.fpsReq, w)
	} else {
		sn.fpsReq[w] = fps
	}
	sn.forwardFPSLocked()
}

func (sn *Sentinel) forwardFPSLocked() {
	var top float64
	for _, f := range sn.fpsReq {
		top = max(top, f)
	}
	if top == sn.sentFPS || sn.pub == nil {
		return
	}
	sn.sentFPS = top
	sn.pub.Control(&proto.FPS{Type: proto.TypeFPS, FPS: top})
}

// Keyframe asks the publisher for an IDR frame.
func (sn *Sentinel) Keyframe() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.pub != nil {
		sn.pub.Control(&proto.Keyframe{Type: proto.TypeKeyframe})
	}
}

// ResendFPS forwards the current top request to a new publisher.
func (sn *Sentinel) ResendFPS() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.forwardFPSLocked()
}

// Publisher returns the connected publisher, nil while offline.
func (sn *Sentinel) Publisher() Publisher {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	return sn.pub
}

// Session returns the session the Sentinel publishes into (or last did)
// and whether a publisher is connected.
func (sn *Sentinel) Session() (sid string, connected bool) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	return sn.info.Session, sn.pub != nil
}

// Joined records the session a new publisher joined.
func (sn *Sentinel) Joined(sid, source, state string, details map[string]string, now time.Time) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.info.Session, sn.info.Source, sn.info.State = sid, source, proto.SentinelLive
	sn.info.SessionState = state
	sn.info.Details = details
	sn.lastSeg = now
}

// SetSessionState records the state of session sid, if it is still the
// Sentinel's.
func (sn *Sentinel) SetSessionState(sid, state string) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.info.Session == sid {
		sn.info.SessionState = state
	}
}

// SetDetails records the details of the Sentinel's session.
func (sn *Sentinel) SetDetails(d map[string]string) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.info.Details = d
}

// SetInitInfo records the current init segment's parameters.
func (sn *Sentinel) SetInitInfo(gen uint64, info proto.InitInfo) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.info.Generation, sn.info.Codec, sn.info.Width, sn.info.Height = gen, info.Codec, info.Width, info.Height
}

// Progress is what a Sentinel received since the last heartbeat.
type Progress struct {
	Session            string
	Connected          bool
	Received, Expected int64
	MediaEnd           time.Time
}

// TakeProgress returns and resets the counters of the next heartbeat.
func (sn *Sentinel) TakeProgress() Progress {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	p := Progress{Session: sn.info.Session, Connected: sn.pub != nil,
		Received: sn.received, Expected: sn.expected, MediaEnd: sn.mediaEnd}
	sn.received, sn.expected = 0, 0
	return p
}

// Tick marks a connected Sentinel live or stalled (no segment for
// stallAfter) and reports whether it is connected.
func (sn *Sentinel) Tick(now time.Time, stallAfter time.Duration) bool {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.pub == nil {
		return false
	}
	sn.info.State = proto.SentinelLive
	if now.Sub(sn.lastSeg) > stallAfter {
		sn.info.State = proto.SentinelStalled
	}
	return true
}

// Segment updates the live info after a stored segment.
func (sn *Sentinel) Segment(h proto.Header, samples int, expected int64, now time.Time) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.received++
	sn.expected += expected
	end := time.UnixMicro(h.Time + int64(h.Duration))
	if end.After(sn.mediaEnd) {
		sn.mediaEnd = end
	}
	sn.lastSeg = now
	sn.hasSegment = true
	sn.info.LastSequence = h.Seq
	sn.info.LastTime = time.UnixMicro(h.Time).UTC()
	sn.info.State = proto.SentinelLive
	if h.Duration > 0 {
		fps := float64(samples) / (float64(h.Duration) / 1e6)
		if sn.info.FPS == 0 {
			sn.info.FPS = fps
		} else {
			sn.info.FPS += (fps - sn.info.FPS) / 8
		}
	}
}
