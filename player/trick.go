package player

// overtaken keeps history playback in step with its clock when decoding
// cannot keep up (a high speed, a stream too heavy for this machine): once
// the play clock has passed a keyframe after the segment being decoded,
// the pictures before it would only be shown late or dropped, so decoding
// goes on from the keyframe at or before the clock instead. It reports
// whether it moved the cursor (and reset the decoder).
func (e *engine) overtaken(seq uint64) bool {
	p := e.p
	p.mu.Lock()
	if p.mode != ModePlaying || !p.clk.anchored || p.epoch != e.epoch {
		p.mu.Unlock()
		return false
	}
	pos := p.clk.position(p.clock.Now(), p.speedLocked())
	p.mu.Unlock()
	k, ok := p.tl.keyAtOrBefore(pos)
	if !ok || k.seq <= seq {
		return false
	}
	e.resume = resumePoint{}
	e.cur, e.needKey = k.seq, true
	e.resetDecoder()
	p.log.Debug("history playback fell behind its clock; going on at the keyframe at the play position", "from", seq, "to", k.seq)
	return true
}
