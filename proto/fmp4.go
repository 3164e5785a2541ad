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

// Sample is one coded picture of a media segment.
type Sample struct {
	Offset   int    // byte offset of the sample data in the segment
	Size     int    // byte length, AVCC length-prefixed NAL units
	DTS      int64  // decode time in track timescale units
	Duration uint32 // in timescale units
	CTO      int32  // composition offset: PTS = DTS + CTO
	Sync     bool   // a sync sample (IDR)
}

// MediaInfo describes a valid media segment.
type MediaInfo struct {
	Samples  []Sample
	BaseTime uint64 // tfdt of the first fragment, timescale units
	Duration uint64 // sum of sample durations, timescale units
	Keyframe bool   // the first sample is a sync sample
}

// maxSamples bounds the samples of one segment (a 60 s GOP at 120 fps is 7200).
const maxSamples = 1 << 16

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

// ParseMedia checks that b is a media segment: one or more moof+mdat pairs
// (styp, sidx, prft, free and skip boxes are allowed between them) whose
// trun sample sizes exactly cover each mdat. init supplies the trex sample
// defaults and may be nil. The samples are appended to samples[:0], so a
// caller that passes its previous slice back parses without allocating
// sample storage. Errors wrap ErrMedia.
func ParseMedia(b []byte, init *InitInfo, samples []Sample) (MediaInfo, error) {
	info := MediaInfo{Samples: samples[:0]}
	if err := parseMedia(b, init, &info); err != nil {
		return MediaInfo{}, fmt.Errorf("%w: %v", ErrMedia, err)
	}
	return info, nil
}

func parseMedia(b []byte, init *InitInfo, info *MediaInfo) error {
	var defaults SampleDefaults
	if init != nil {
		defaults = init.Defaults
	}
	pairs := 0
	for off := 0; off < len(b); {
		x, err := readBox(b, off, len(b))
		if err != nil {
			return err
		}
		off = x.end
		switch {
		case x.is("styp"), x.is("sidx"), x.is("prft"), x.is("free"), x.is("skip"), x.is("emsg"):
			continue
		case x.is("moof"):
		default:
			return fmt.Errorf("unexpected top-level box %s", x.name())
		}
		if off >= len(b) {
			return fmt.Errorf("moof at offset %d without mdat", x.start)
		}
		mdat, err := readBox(b, off, len(b))
		if err != nil {
			return err
		}
		if !mdat.is("mdat") {
			return fmt.Errorf("moof followed by %s, want mdat", mdat.name())
		}
		off = mdat.end
		if err := parseFragment(b, x, mdat, defaults, info, pairs == 0); err != nil {
			return err
		}
		pairs++
	}
	if pairs == 0 {
		return fmt.Errorf("no moof+mdat pair")
	}
	if len(info.Samples) == 0 {
		return fmt.Errorf("no samples")
	}
	info.Keyframe = info.Samples[0].Sync
	return nil
}

func parseFragment(b []byte, moof, mdat box, defaults SampleDefaults, info *MediaInfo, first bool) error {
	trafs := 0
	var covered int
	dataStart, dataEnd := mdat.start+mdat.hdr, mdat.end
	for off := moof.start + moof.hdr; off < moof.end; {
		traf, err := readBox(b, off, moof.end)
		if err != nil {
			return err
		}
		off = traf.end
		if !traf.is("traf") {
			continue
		}
		trafs++
		if trafs > 1 {
			return fmt.Errorf("moof with more than one traf")
		}
		n, err := parseTraf(b, moof, traf, dataStart, dataEnd, defaults, info, first)
		if err != nil {
			return err
		}
		covered += n
	}
	if trafs == 0 {
		return fmt.Errorf("moof without traf")
	}
	if covered != dataEnd-dataStart {
		return fmt.Errorf("trun sample sizes add up to %d bytes, mdat holds %d", covered, dataEnd-dataStart)
	}
	return nil
}

func parseTraf(b []byte, moof, traf box, dataStart, dataEnd int, defaults SampleDefaults, info *MediaInfo, first bool) (int, error) {
	var tfhd mp4.Tfhd
	var haveTfhd, haveTfdt bool
	var dts int64
	if n := len(info.Samples); n > 0 {
		last := info.Samples[n-1]
		dts = last.DTS + int64(last.Duration)
	}
	covered := 0
	next := dataStart // where a trun without data offset starts
	for off := traf.start + traf.hdr; off < traf.end; {
		x, err := readBox(b, off, traf.end)
		if err != nil {
			return 0, err
		}
		off = x.end
		switch {
		case x.is("tfhd"):
			if err := unmarshal(b, x, &tfhd); err != nil {
				return 0, err
			}
			haveTfhd = true
			if tfhd.CheckFlag(mp4.TfhdDefaultSampleDurationPresent) {
				defaults.Duration = tfhd.DefaultSampleDuration
			}
			if tfhd.CheckFlag(mp4.TfhdDefaultSampleSizePresent) {
				defaults.Size = tfhd.DefaultSampleSize
			}
			if tfhd.CheckFlag(mp4.TfhdDefaultSampleFlagsPresent) {
				defaults.Flags = tfhd.DefaultSampleFlags
			}
		case x.is("tfdt"):
			var t mp4.Tfdt
			if err := unmarshal(b, x, &t); err != nil {
				return 0, err
			}
			haveTfdt = true
			dts = int64(t.GetBaseMediaDecodeTime())
			if first {
				info.BaseTime = t.GetBaseMediaDecodeTime()
			}
		case x.is("trun"):
			if !haveTfhd {
				return 0, fmt.Errorf("trun before tfhd")
			}
			if err := checkTrunSize(b, x); err != nil {
				return 0, err
			}
			var trun mp4.Trun
			if err := unmarshal(b, x, &trun); err != nil {
				return 0, err
			}
			pos := next
			if trun.CheckFlag(0x000001) {
				base := moof.start // default-base-is-moof, or no base offset
				if tfhd.CheckFlag(mp4.TfhdBaseDataOffsetPresent) {
					base = int(tfhd.BaseDataOffset)
				}
				pos = base + int(trun.DataOffset)
			}
			if len(info.Samples)+int(trun.SampleCount) > maxSamples {
				return 0, fmt.Errorf("more than %d samples", maxSamples)
			}
			for i := 0; i < int(trun.SampleCount); i++ {
				s := Sample{Offset: pos, DTS: dts, Duration: defaults.Duration, Size: int(defaults.Size)}
				flags := defaults.Flags
				if i == 0 && trun.CheckFlag(0x000004) {
					flags = trun.FirstSampleFlags
				}
				if i < len(trun.Entries) {
					e := trun.Entries[i]
					if trun.CheckFlag(0x000100) {
						s.Duration = e.SampleDuration
					}
					if trun.CheckFlag(0x000200) {
						s.Size = int(e.SampleSize)
					}
					if trun.CheckFlag(0x000400) {
						flags = e.SampleFlags
					}
					if trun.CheckFlag(0x000800) {
						if trun.GetVersion() == 0 {
							s.CTO = int32(e.SampleCompositionTimeOffsetV0)
						} else {
							s.CTO = e.SampleCompositionTimeOffsetV1
						}
					}
				}
				s.Sync = flags&0x00010000 == 0
				if s.Size <= 0 || pos < dataStart || pos+s.Size > dataEnd {
					return 0, fmt.Errorf("sample %d (%d bytes at %d) outside mdat [%d, %d)", len(info.Samples), s.Size, pos, dataStart, dataEnd)
				}
				info.Samples = append(info.Samples, s)
				info.Duration += uint64(s.Duration)
				dts += int64(s.Duration)
				pos += s.Size
				covered += s.Size
			}
			next = pos
		}
	}
	if !haveTfhd {
		return 0, fmt.Errorf("traf without tfhd")
	}
	if !haveTfdt && first {
		info.BaseTime = 0
	}
	return covered, nil
}

// checkTrunSize refuses a trun whose sample count needs more bytes than
// the box holds, before go-mp4 allocates entries for it.
func checkTrunSize(b []byte, x box) error {
	p := x.payload(b)
	if len(p) < 8 {
		return fmt.Errorf("trun too short")
	}
	flags := uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
	count := int(binary.BigEndian.Uint32(p[4:8]))
	fixed := 8
	if flags&0x1 != 0 {
		fixed += 4
	}
	if flags&0x4 != 0 {
		fixed += 4
	}
	per := 0
	for _, bit := range []uint32{0x100, 0x200, 0x400, 0x800} {
		if flags&bit != 0 {
			per += 4
		}
	}
	if count > maxSamples || len(p) < fixed || (per > 0 && (len(p)-fixed)/per < count) {
		return fmt.Errorf("trun declares %d samples that do not fit in %d bytes", count, len(p))
	}
	return nil
}
