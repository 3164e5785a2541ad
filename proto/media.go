package proto

import (
	"fmt"
)

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
	var hd tfhd
	haveTfhd := false
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
			if hd, err = readTfhd(x.payload(b), defaults); err != nil {
				return 0, err
			}
			haveTfhd = true
		case x.is("tfdt"):
			t, err := readTfdt(x.payload(b))
			if err != nil {
				return 0, err
			}
			dts = int64(t)
			if first {
				info.BaseTime = t
			}
		case x.is("trun"):
			if !haveTfhd {
				return 0, fmt.Errorf("trun before tfhd")
			}
			base := moof.start // default-base-is-moof, or no base offset
			if hd.hasBase {
				base = int(hd.base)
			}
			n, end, err := readTrun(x.payload(b), hd.defaults, base, next, dataStart, dataEnd, &dts, info)
			if err != nil {
				return 0, err
			}
			covered += n
			next = end
		}
	}
	if !haveTfhd {
		return 0, fmt.Errorf("traf without tfhd")
	}
	return covered, nil
}
