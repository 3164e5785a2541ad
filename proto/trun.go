package proto

import (
	"encoding/binary"
	"fmt"
)

// The track fragment boxes are read by hand rather than through go-mp4's
// reflection: they are parsed for every segment the server receives and
// every segment the player decodes, and this way parsing allocates
// nothing. TestTrafMatchesGoMP4 checks the readers against go-mp4.

// Flags of tfhd and trun (ISO/IEC 14496-12).
const (
	tfhdBaseOffset     = 0x000001
	tfhdDescription    = 0x000002
	tfhdDuration       = 0x000008
	tfhdSize           = 0x000010
	tfhdFlags          = 0x000020
	trunDataOffset     = 0x000001
	trunFirstFlags     = 0x000004
	trunSampleDuration = 0x000100
	trunSampleSize     = 0x000200
	trunSampleFlags    = 0x000400
	trunSampleCTO      = 0x000800

	// sampleNonSync is the sample_is_non_sync_sample bit of sample flags.
	sampleNonSync = 0x00010000
)

// tfhd is what a track fragment header says.
type tfhd struct {
	defaults SampleDefaults
	base     uint64
	hasBase  bool
}

// fullBox splits a full box payload into version, flags and the rest.
func fullBox(p []byte, name string) (uint8, uint32, []byte, error) {
	if len(p) < 4 {
		return 0, 0, nil, fmt.Errorf("%s too short", name)
	}
	return p[0], uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3]), p[4:], nil
}

// fields reads consecutive big-endian 32-bit fields.
type fields struct {
	p   []byte
	err bool
}

func (f *fields) u32() uint32 {
	if len(f.p) < 4 {
		f.err = true
		return 0
	}
	v := binary.BigEndian.Uint32(f.p)
	f.p = f.p[4:]
	return v
}

func (f *fields) u64() uint64 {
	if len(f.p) < 8 {
		f.err = true
		return 0
	}
	v := binary.BigEndian.Uint64(f.p)
	f.p = f.p[8:]
	return v
}

// readTfhd reads a tfhd payload; its defaults override d.
func readTfhd(p []byte, d SampleDefaults) (tfhd, error) {
	_, flags, rest, err := fullBox(p, "tfhd")
	if err != nil {
		return tfhd{}, err
	}
	f := fields{p: rest}
	f.u32() // track_ID
	h := tfhd{defaults: d}
	if flags&tfhdBaseOffset != 0 {
		h.base, h.hasBase = f.u64(), true
	}
	if flags&tfhdDescription != 0 {
		f.u32()
	}
	if flags&tfhdDuration != 0 {
		h.defaults.Duration = f.u32()
	}
	if flags&tfhdSize != 0 {
		h.defaults.Size = f.u32()
	}
	if flags&tfhdFlags != 0 {
		h.defaults.Flags = f.u32()
	}
	if f.err {
		return tfhd{}, fmt.Errorf("tfhd shorter than its flags 0x%06x say", flags)
	}
	return h, nil
}

// readTfdt reads a tfdt payload: the base media decode time.
func readTfdt(p []byte) (uint64, error) {
	version, _, rest, err := fullBox(p, "tfdt")
	if err != nil {
		return 0, err
	}
	f := fields{p: rest}
	var t uint64
	if version == 1 {
		t = f.u64()
	} else {
		t = uint64(f.u32())
	}
	if f.err {
		return 0, fmt.Errorf("tfdt too short")
	}
	return t, nil
}

// readTrun appends the samples of a trun payload to info. Sample data
// starts at base+data_offset, or at next when the trun has no data
// offset, and must lie inside the mdat payload [dataStart, dataEnd). It
// returns the bytes the samples cover and where the next trun's data
// starts; dts advances by the samples' durations.
func readTrun(p []byte, d SampleDefaults, base, next, dataStart, dataEnd int, dts *int64, info *MediaInfo) (int, int, error) {
	version, flags, rest, err := fullBox(p, "trun")
	if err != nil {
		return 0, 0, err
	}
	f := fields{p: rest}
	count := int(f.u32())
	pos := next
	if flags&trunDataOffset != 0 {
		pos = base + int(int32(f.u32()))
	}
	firstFlags, hasFirst := uint32(0), flags&trunFirstFlags != 0
	if hasFirst {
		firstFlags = f.u32()
	}
	per := 0
	for _, bit := range []uint32{trunSampleDuration, trunSampleSize, trunSampleFlags, trunSampleCTO} {
		if flags&bit != 0 {
			per += 4
		}
	}
	if f.err || count > maxSamples || len(info.Samples)+count > maxSamples || (per > 0 && len(f.p)/per < count) {
		return 0, 0, fmt.Errorf("trun declares %d samples that do not fit in %d bytes", count, len(p))
	}
	covered := 0
	for i := 0; i < count; i++ {
		s := Sample{Offset: pos, DTS: *dts, Duration: d.Duration, Size: int(d.Size)}
		sflags := d.Flags
		if i == 0 && hasFirst {
			sflags = firstFlags
		}
		if flags&trunSampleDuration != 0 {
			s.Duration = f.u32()
		}
		if flags&trunSampleSize != 0 {
			s.Size = int(f.u32())
		}
		if flags&trunSampleFlags != 0 {
			sflags = f.u32()
		}
		if flags&trunSampleCTO != 0 {
			v := f.u32()
			if version == 0 && v > 1<<31-1 {
				v = 1<<31 - 1 // unsigned in version 0: clamp what int32 cannot hold
			}
			s.CTO = int32(v)
		}
		s.Sync = sflags&sampleNonSync == 0
		if s.Size <= 0 || pos < dataStart || s.Size > dataEnd-pos {
			return 0, 0, fmt.Errorf("sample %d (%d bytes at %d) outside mdat [%d, %d)", len(info.Samples), s.Size, pos, dataStart, dataEnd)
		}
		info.Samples = append(info.Samples, s)
		info.Duration += uint64(s.Duration)
		*dts += int64(s.Duration)
		pos += s.Size
		covered += s.Size
	}
	return covered, pos, nil
}
