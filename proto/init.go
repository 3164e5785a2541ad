package proto

import (
	"encoding/binary"
	"fmt"

	"github.com/abema/go-mp4"
)

// SampleDefaults are per-track sample defaults from the init segment's trex.
type SampleDefaults struct {
	Duration uint32
	Size     uint32
	Flags    uint32
}

// InitInfo describes a valid init segment.
type InitInfo struct {
	// Codec is the RFC 6381 codec string, e.g. "avc1.64001f".
	Codec     string
	Width     int
	Height    int
	Timescale uint32
	TrackID   uint32
	// AVCC is the AVCDecoderConfigurationRecord (the avcC payload), the
	// decoder's extradata. It aliases the parsed buffer.
	AVCC     []byte
	Defaults SampleDefaults
}

// ParseInit checks that b is an init segment: ftyp then moov, with exactly
// one track, an H.264 video track (avc1/avc3 with avcC). Errors wrap ErrInit.
func ParseInit(b []byte) (InitInfo, error) {
	info, err := parseInit(b)
	if err != nil {
		return InitInfo{}, fmt.Errorf("%w: %v", ErrInit, err)
	}
	return info, nil
}

func parseInit(b []byte) (InitInfo, error) {
	var info InitInfo
	top, err := children(b, 0, len(b), make([]box, 0, 4))
	if err != nil {
		return info, err
	}
	if len(top) < 2 || !top[0].is("ftyp") || !top[1].is("moov") {
		return info, fmt.Errorf("want ftyp then moov at the top level")
	}
	for _, x := range top[2:] {
		if !x.is("free") && !x.is("skip") && !x.is("uuid") {
			return info, fmt.Errorf("unexpected top-level box %s after moov", x.name())
		}
	}
	moov := top[1]
	kids, err := children(b, moov.start+moov.hdr, moov.end, nil)
	if err != nil {
		return info, err
	}
	var trak, mvex box
	traks := 0
	for _, x := range kids {
		switch {
		case x.is("trak"):
			trak = x
			traks++
		case x.is("mvex"):
			mvex = x
		}
	}
	if traks != 1 {
		return info, fmt.Errorf("%d tracks, want exactly one H.264 video track", traks)
	}
	if mvex.end == 0 {
		return info, fmt.Errorf("no mvex: not a fragmented MP4")
	}
	if err := parseTrak(b, trak, &info); err != nil {
		return info, err
	}
	trexBox, ok, err := child(b, mvex, "trex")
	if err != nil {
		return info, err
	}
	if ok {
		var trex mp4.Trex
		if err := unmarshal(b, trexBox, &trex); err != nil {
			return info, err
		}
		info.Defaults = SampleDefaults{trex.DefaultSampleDuration, trex.DefaultSampleSize, trex.DefaultSampleFlags}
	}
	return info, nil
}

func parseTrak(b []byte, trak box, info *InitInfo) error {
	tkhd, ok, err := child(b, trak, "tkhd")
	if err != nil || !ok {
		return fmt.Errorf("trak without tkhd (%v)", err)
	}
	var th mp4.Tkhd
	if err := unmarshal(b, tkhd, &th); err != nil {
		return err
	}
	info.TrackID = th.TrackID
	mdia, ok, err := child(b, trak, "mdia")
	if err != nil || !ok {
		return fmt.Errorf("trak without mdia (%v)", err)
	}
	hdlr, ok, err := child(b, mdia, "hdlr")
	if err != nil || !ok {
		return fmt.Errorf("mdia without hdlr (%v)", err)
	}
	var h mp4.Hdlr
	if err := unmarshal(b, hdlr, &h); err != nil {
		return err
	}
	if string(h.HandlerType[:]) != "vide" {
		return fmt.Errorf("track handler %q, want \"vide\"", h.HandlerType[:])
	}
	mdhd, ok, err := child(b, mdia, "mdhd")
	if err != nil || !ok {
		return fmt.Errorf("mdia without mdhd (%v)", err)
	}
	var md mp4.Mdhd
	if err := unmarshal(b, mdhd, &md); err != nil {
		return err
	}
	if md.Timescale == 0 {
		return fmt.Errorf("timescale 0")
	}
	info.Timescale = md.Timescale
	x := mdia
	for _, name := range []string{"minf", "stbl", "stsd"} {
		if x, ok, err = child(b, x, name); err != nil || !ok {
			return fmt.Errorf("no %s (%v)", name, err)
		}
	}
	// stsd is a full box with an entry count before its children.
	if x.end-x.start-x.hdr < 8 {
		return fmt.Errorf("stsd too short")
	}
	entries, err := children(b, x.start+x.hdr+8, x.end, nil)
	if err != nil {
		return err
	}
	if len(entries) != 1 || !(entries[0].is("avc1") || entries[0].is("avc3")) {
		return fmt.Errorf("sample entry is not a single avc1/avc3 (H.264)")
	}
	entry := entries[0]
	// VisualSampleEntry: 8 bytes of SampleEntry, then width and height at
	// 24 and 26, and child boxes after 78 bytes.
	const visualLen = 78
	p := entry.payload(b)
	if len(p) < visualLen {
		return fmt.Errorf("avc1 sample entry too short")
	}
	info.Width = int(binary.BigEndian.Uint16(p[24:26]))
	info.Height = int(binary.BigEndian.Uint16(p[26:28]))
	if info.Width == 0 || info.Height == 0 {
		return fmt.Errorf("picture size %dx%d", info.Width, info.Height)
	}
	boxes, err := children(b, entry.start+entry.hdr+visualLen, entry.end, nil)
	if err != nil {
		return err
	}
	for _, c := range boxes {
		if !c.is("avcC") {
			continue
		}
		cfg := mp4.AVCDecoderConfiguration{AnyTypeBox: mp4.AnyTypeBox{Type: mp4.BoxTypeAvcC()}}
		if err := unmarshal(b, c, &cfg); err != nil {
			return err
		}
		if cfg.ConfigurationVersion != 1 || len(cfg.SequenceParameterSets) == 0 {
			return fmt.Errorf("avcC without SPS")
		}
		info.AVCC = c.payload(b)
		info.Codec = fmt.Sprintf("avc1.%02x%02x%02x", cfg.Profile, cfg.ProfileCompatibility, cfg.Level)
		return nil
	}
	return fmt.Errorf("avc1 sample entry without avcC")
}
