package sentinel

import (
	"fmt"
	"time"

	"github.com/asticode/go-astiav"
)

// step captures, encodes and muxes the frame scheduled for s.next; now is
// the wall-clock time of the capture.
func (s *Sentinel) step(now time.Time) error {
	fps := s.currentFPS()
	interval := time.Duration(float64(time.Second) / fps)
	at := s.next
	switch {
	case s.start.IsZero():
		s.start, at = now, now
	case now.Sub(at) > interval:
		// Late by more than a frame (a stalled machine): drop the missed
		// frames rather than bursting them.
		s.count(func(st *Stats) { st.Late++ })
		at = now
	}
	cues := s.applyCues(at.Sub(s.start))
	if !cues.freeze && s.holdPic {
		s.frozen.Unref()
		s.holdPic = false
	}
	if cues.freeze && s.holdPic && s.sizeReq.Load() == 0 && s.frozen.Width() == s.width && s.frozen.Height() == s.height {
		return s.encodeFrame(s.frozen, at, now, fps, interval, true)
	}
	pic, err := s.src.frame(now)
	if err != nil {
		return err
	}
	w, h := s.width, s.height
	if wh := s.sizeReq.Swap(0); wh != 0 {
		w, h = int(wh>>32), int(wh&0xffffffff)
	} else if s.cfg.NativeSize {
		w, h = max(64, pic.Width()&^1), max(64, pic.Height()&^1)
	}
	if w != s.width || h != s.height {
		s.width, s.height = w, h
		s.scale.close()
		s.scale = newScaler(w, h)
	}
	if s.mux == nil || s.enc.width != s.width || s.enc.height != s.height {
		if err := s.newGeneration(); err != nil {
			return err
		}
	}
	if pic, err = s.scale.scale(pic); err != nil {
		return fmt.Errorf("%w: %v", ErrSource, err)
	}
	if s.cfg.Source == SourceTest {
		if err := writePattern(pic, s.frameNo); err != nil {
			return fmt.Errorf("%w: %v", ErrEncoder, err)
		}
	}
	if cues.freeze {
		// The first frame of a freeze is taken as usual; the next ones
		// repeat it.
		s.frozen.Unref()
		if err := s.frozen.Ref(pic); err != nil {
			return fmt.Errorf("%w: hold frozen picture: %v", ErrSource, err)
		}
		s.holdPic = true
	}
	return s.encodeFrame(pic, at, now, fps, interval, false)
}

// encodeFrame encodes pic as the frame scheduled at at and muxes what
// comes out; frozen says it repeats a held picture.
func (s *Sentinel) encodeFrame(pic *astiav.Frame, at, now time.Time, fps float64, interval time.Duration, frozen bool) error {
	key := s.lastKey.IsZero() || s.keyReq.Swap(false) || at.Sub(s.lastKey) >= s.cfg.GOP-interval/2
	if key {
		s.lastKey = at
	}
	smp := sample{at: at, dur: interval, captured: now, frame: s.frameNo}
	pts := toTicks(at.Sub(s.start))
	t0 := time.Now()
	err := s.enc.encode(pic, pts, key, func(pkt *astiav.Packet) error { return s.packet(pkt, smp) })
	encoded := time.Since(t0)
	if err != nil {
		return err
	}
	s.frameNo++
	s.next = at.Add(interval)
	s.count(func(st *Stats) {
		st.Frames++
		st.EncodeTime += encoded
		st.FPS = fps
		if key {
			st.Keyframes++
		}
		if frozen {
			st.Frozen++
		}
	})
	return nil
}

// toTicks converts a duration to timeBase units.
func toTicks(d time.Duration) int64 {
	return int64(d) * int64(timeBase.Den()) / (int64(time.Second) * int64(timeBase.Num()))
}

// packet muxes one encoded picture. In low-latency mode it is written
// with its nominal duration and cut into a fragment at once. Otherwise it
// is held until the next one, whose timestamp gives its exact duration, and
// a keyframe ends the fragment before it: the mp4 muxer places each
// fragment right after the previous one, so only exact durations keep the
// timeline true when the frame rate changes or the loop runs late.
func (s *Sentinel) packet(pkt *astiav.Packet, smp sample) error {
	smp.key = pkt.Flags().Has(astiav.PacketFlagKey)
	if s.cfg.LowLatency {
		pkt.SetDuration(toTicks(smp.dur))
		if err := s.write(pkt, smp); err != nil {
			return err
		}
		return s.emit()
	}
	if err := s.writeHeld(pkt.Pts()); err != nil {
		return err
	}
	if smp.key {
		if err := s.emit(); err != nil {
			return err
		}
	}
	if err := s.held.Ref(pkt); err != nil {
		return fmt.Errorf("%w: hold packet: %v", ErrEncoder, err)
	}
	s.heldSmp, s.holding = smp, true
	return nil
}

// writeHeld writes the held packet, lasting until pts (timeBase units);
// pts < 0 keeps its nominal duration.
func (s *Sentinel) writeHeld(pts int64) error {
	if !s.holding {
		return nil
	}
	s.holding = false
	smp := s.heldSmp
	d := toTicks(smp.dur)
	if pts >= 0 && pts > s.held.Pts() {
		d = pts - s.held.Pts()
		smp.dur = time.Duration(d) * time.Second * time.Duration(timeBase.Num()) / time.Duration(timeBase.Den())
	}
	s.held.SetDuration(d)
	err := s.write(s.held, smp)
	s.held.Unref()
	return err
}

func (s *Sentinel) write(pkt *astiav.Packet, smp sample) error {
	smp.pts = pkt.Pts()
	if err := s.mux.write(pkt); err != nil {
		return err
	}
	s.pending = append(s.pending, smp)
	return nil
}

// newGeneration replaces the encoder and muxer for the current size and
// hands the new init segment to the sink. The fragment in progress is
// finished first: it belongs to the old generation.
func (s *Sentinel) newGeneration() error {
	if s.mux != nil {
		if err := s.writeHeld(-1); err != nil {
			return err
		}
		if err := s.emit(); err != nil {
			return err
		}
		s.mux.close()
		s.mux = nil
	}
	if s.enc.width != s.width || s.enc.height != s.height {
		enc, err := newEncoder(&s.cfg, s.width, s.height)
		if err != nil {
			return err
		}
		s.enc.close()
		s.enc = enc
	}
	mux, init, err := newMuxer(s.enc)
	if err != nil {
		return err
	}
	s.mux = mux
	s.gen++
	s.lastKey = time.Time{}
	s.log.Info("init segment", "generation", s.gen, "width", s.width, "height", s.height, "bytes", len(init))
	if err := s.sink.Init(s.gen, init); err != nil {
		return fmt.Errorf("sink init: %w", err)
	}
	s.count(func(st *Stats) { st.Generation = s.gen; st.Width = s.width; st.Height = s.height })
	return nil
}

// emit cuts the fragment of the pending samples and hands it to the sink.
func (s *Sentinel) emit() error {
	if len(s.pending) == 0 {
		return nil
	}
	b, err := s.mux.fragment()
	if err != nil {
		return err
	}
	first, last := s.pending[0], s.pending[len(s.pending)-1]
	if err := s.mux.place(b, first.pts, len(s.pending), toTicks(first.dur)); err != nil {
		return err
	}
	seg := Segment{
		Generation: s.gen,
		Time:       first.at,
		Duration:   last.at.Add(last.dur).Sub(first.at),
		Keyframe:   first.key,
		Frames:     len(s.pending),
		FirstFrame: first.frame,
		Captured:   last.captured,
		Payload:    b,
	}
	s.pending = s.pending[:0]
	s.count(func(st *Stats) { st.Segments++; st.Bytes += int64(len(b)) })
	if err := s.sink.Segment(seg); err != nil {
		return fmt.Errorf("sink segment: %w", err)
	}
	return nil
}

// finish drains the encoder and emits the last, partial segment.
func (s *Sentinel) finish() error {
	if s.mux == nil {
		return nil
	}
	smp := sample{at: s.next, dur: time.Duration(float64(time.Second) / s.currentFPS()), frame: s.frameNo}
	if err := s.enc.flush(func(pkt *astiav.Packet) error { return s.packet(pkt, smp) }); err != nil {
		return err
	}
	if err := s.writeHeld(-1); err != nil {
		return err
	}
	return s.emit()
}
