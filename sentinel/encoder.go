package sentinel

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/asticode/go-astiav"
)

// timeBase of encoder and muxer timestamps: 90 kHz, as MPEG systems use.
var timeBase = astiav.NewRational(1, 90000)

// encoder wraps one libx264 instance of a fixed picture size. A new size
// needs a new encoder (and a new init generation).
type encoder struct {
	cc     *astiav.CodecContext
	pkt    *astiav.Packet
	width  int
	height int
}

// newEncoder opens libx264 for w x h yuv420p pictures: zero-latency tuning
// (no B-frames, no lookahead: one packet out per frame in), scene-cut
// detection off, and an unbounded x264 keyframe interval because the
// Sentinel places every keyframe itself (GOP in time, forced requests).
func newEncoder(cfg *Config, w, h int) (*encoder, error) {
	codec := astiav.FindEncoderByName("libx264")
	if codec == nil {
		return nil, fmt.Errorf("%w: libx264 not available in this FFmpeg", ErrEncoder)
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return nil, fmt.Errorf("%w: allocate codec context", ErrEncoder)
	}
	cc.SetWidth(w)
	cc.SetHeight(h)
	cc.SetPixelFormat(astiav.PixelFormatYuv420P)
	cc.SetTimeBase(timeBase)
	cc.SetFramerate(astiav.NewRational(int(cfg.FPS*1000+0.5), 1000))
	cc.SetBitRate(cfg.Bitrate)
	cc.SetGopSize(1 << 30)
	cc.SetThreadCount(cfg.Threads)
	// The mp4 muxer needs SPS/PPS as extradata for avcC.
	cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagGlobalHeader))
	opts := astiav.NewDictionary()
	defer opts.Free()
	for k, v := range map[string]string{
		"preset":       cfg.Preset,
		"tune":         "zerolatency",
		"sc_threshold": "0",
		"forced-idr":   "1",
		"bf":           "0",
		"maxrate":      strconv.FormatInt(cfg.Bitrate*3/2, 10),
		"bufsize":      strconv.FormatInt(cfg.Bitrate*2, 10),
	} {
		if err := opts.Set(k, v, 0); err != nil {
			cc.Free()
			return nil, fmt.Errorf("%w: option %s: %v", ErrEncoder, k, err)
		}
	}
	if err := cc.Open(codec, opts); err != nil {
		cc.Free()
		return nil, fmt.Errorf("%w: open libx264 %dx%d: %v", ErrEncoder, w, h, err)
	}
	return &encoder{cc: cc, pkt: astiav.AllocPacket(), width: w, height: h}, nil
}

// encode sends one picture with timestamp pts (90 kHz); key forces an IDR.
// Each packet that comes out is passed to out, which must not keep it.
func (e *encoder) encode(f *astiav.Frame, pts int64, key bool, out func(*astiav.Packet) error) error {
	// Filter sources mark their pictures as I: without resetting it,
	// libx264 makes every frame an IDR.
	if key {
		f.SetPictureType(astiav.PictureTypeI)
	} else {
		f.SetPictureType(astiav.PictureTypeNone)
	}
	f.SetKeyFrame(false)
	f.SetPts(pts)
	if err := e.cc.SendFrame(f); err != nil {
		return fmt.Errorf("%w: send frame: %v", ErrEncoder, err)
	}
	return e.drain(out)
}

// flush drains the packets libx264 still holds.
func (e *encoder) flush(out func(*astiav.Packet) error) error {
	if err := e.cc.SendFrame(nil); err != nil && !errors.Is(err, astiav.ErrEof) {
		return fmt.Errorf("%w: flush: %v", ErrEncoder, err)
	}
	return e.drain(out)
}

func (e *encoder) drain(out func(*astiav.Packet) error) error {
	for {
		err := e.cc.ReceivePacket(e.pkt)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: receive packet: %v", ErrEncoder, err)
		}
		err = out(e.pkt)
		e.pkt.Unref()
		if err != nil {
			return err
		}
	}
}

func (e *encoder) close() {
	e.pkt.Free()
	e.cc.Free()
}
