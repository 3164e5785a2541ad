package player

import (
	"errors"
	"fmt"
	"image"

	"github.com/asticode/go-astiav"
)

// packetPadding is AV_INPUT_BUFFER_PADDING_SIZE: FFmpeg's bitstream readers
// may read this far past the end of a packet. go-astiav v0.16.0's FromData
// does not add it, so send copies into a zeroed, padded buffer.
const packetPadding = 64

var (
	keyFlags   = astiav.NewPacketFlags(astiav.PacketFlagKey)
	noFlags    = astiav.NewPacketFlags()
	scaleFlags = astiav.NewSoftwareScaleContextFlags(astiav.SoftwareScaleContextFlagBilinear)
)

// decoder is one single-threaded H.264 decoder and its scaler.
// It is owned by the engine goroutine.
type decoder struct {
	codec *astiav.Codec
	cc    *astiav.CodecContext // nil until open
	extra []byte               // extradata cc was opened with
	pkt   *astiav.Packet
	out   *astiav.Frame // decoder output
	dst   *astiav.Frame // swscale output (RGBA)
	sws   *astiav.SoftwareScaleContext
	swsK  [5]int
	pad   []byte
	fast  *hot // the allocation-free C path (see cgo.go)
	stale bool // drained (EOF sent): reopen before the next packet
}

func newDecoder() (*decoder, error) {
	codec := astiav.FindDecoder(astiav.CodecIDH264)
	if codec == nil {
		return nil, errors.New("player: no H.264 decoder in this FFmpeg")
	}
	return &decoder{
		codec: codec,
		pkt:   astiav.AllocPacket(),
		out:   astiav.AllocFrame(),
		dst:   astiav.AllocFrame(),
		fast:  newHot(),
	}, nil
}

// open (re)opens the decoder with the avcC record as extradata. The
// thread count goes through the options dictionary: go-astiav has no
// setter that takes effect for frame threading before Open.
func (d *decoder) open(extradata []byte) error {
	d.closeCodec()
	cc := astiav.AllocCodecContext(d.codec)
	if cc == nil {
		return errors.New("player: allocate codec context")
	}
	if err := cc.SetExtraData(extradata); err != nil {
		cc.Free()
		return fmt.Errorf("set extradata: %w", err)
	}
	dict := astiav.NewDictionary()
	defer dict.Free()
	if err := dict.Set("threads", "1", 0); err != nil {
		cc.Free()
		return fmt.Errorf("decoder options: %w", err)
	}
	if err := cc.Open(d.codec, dict); err != nil {
		cc.Free()
		return fmt.Errorf("open decoder: %w", err)
	}
	d.cc = cc
	d.fast.bind(cc, len(extradata))
	d.extra = append(d.extra[:0], extradata...)
	d.stale = false
	return nil
}

// reset drops all decoding state: avcodec_flush_buffers through the C
// path, else (go-astiav v0.16.0 has no flush) a reopen before the next packet.
func (d *decoder) reset() {
	if d.fast.cc != nil {
		d.fast.flush() // avcodec_flush_buffers: cheaper than reopening
		d.stale = false
		return
	}
	d.stale = true
}

func (d *decoder) ready() bool { return d.cc != nil }

// send feeds one AVCC sample. pts and dts are in track timescale units.
func (d *decoder) send(data []byte, pts, dts int64, key bool) error {
	if d.cc == nil {
		return errors.New("player: decoder not open")
	}
	if d.stale {
		if err := d.open(d.extra); err != nil {
			return err
		}
	}
	if d.fast.cc != nil {
		ret := d.fast.send(data, pts, dts, key)
		if ret < 0 && ret != errAgain {
			return fmt.Errorf("%w: decode: %v", ErrCorrupt, astiav.Error(ret))
		}
		return nil
	}
	need := len(data) + packetPadding
	if cap(d.pad) < need {
		d.pad = make([]byte, need+need/2)
	}
	buf := d.pad[:need]
	copy(buf, data)
	clear(buf[len(data):])
	if err := d.pkt.FromData(buf); err != nil {
		return fmt.Errorf("packet: %w", err)
	}
	d.pkt.SetSize(len(data))
	d.pkt.SetPts(pts)
	d.pkt.SetDts(dts)
	if key {
		d.pkt.SetFlags(keyFlags)
	} else {
		d.pkt.SetFlags(noFlags)
	}
	err := d.cc.SendPacket(d.pkt)
	d.pkt.Unref()
	if err != nil && !errors.Is(err, astiav.ErrEagain) {
		return fmt.Errorf("%w: decode: %v", ErrCorrupt, err)
	}
	return nil
}

// drain signals the end of input so delayed pictures come out; the
// decoder must be reopened afterwards (done lazily by send).
func (d *decoder) drain() {
	if d.cc == nil || d.stale {
		return
	}
	_ = d.cc.SendPacket(nil)
	d.stale = true
}

// restart makes a drained decoder usable again: avcodec_flush_buffers
// through the C path, else a reopen before the next packet.
func (d *decoder) restart() {
	if !d.stale {
		return
	}
	if d.fast.cc != nil {
		d.fast.flush()
		d.stale = false
	}
}

// receive fetches the next picture into d.out. ok is false when the
// decoder needs more input.
func (d *decoder) receive() (ok bool, err error) {
	if d.cc == nil {
		return false, nil
	}
	if d.fast.cc != nil {
		ret := d.fast.receive(d.out)
		switch {
		case ret >= 0:
			return true, nil
		case ret == errAgain || ret == errEOF:
			return false, nil
		}
		return false, fmt.Errorf("%w: decode: %v", ErrCorrupt, astiav.Error(ret))
	}
	d.out.Unref()
	err = d.cc.ReceiveFrame(d.out)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, astiav.ErrEagain), errors.Is(err, astiav.ErrEof):
		return false, nil
	}
	return false, fmt.Errorf("%w: decode: %v", ErrCorrupt, err)
}

// scale converts src to img's size in RGBA, through the cgo path (libyuv
// or swscale, see pl_scale) straight into img.Pix. Should that fail, it
// falls back on go-astiav's swscale, whose context and output frame are
// reused while the sizes stay the same; go-astiav v0.16.0's
// FrameData.ToImage over-reads chroma planes, so that RGBA frame is copied
// with ImageCopyToBuffer into img.Pix.
func (d *decoder) scale(src *astiav.Frame, img *image.RGBA) error {
	if d.fast.scale(src, img) {
		return nil
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	k := [5]int{src.Width(), src.Height(), int(src.PixelFormat()), w, h}
	if k != d.swsK || d.sws == nil {
		if d.sws != nil {
			d.sws.Free()
			d.sws = nil
		}
		sws, err := astiav.CreateSoftwareScaleContext(k[0], k[1], src.PixelFormat(), w, h, astiav.PixelFormatRgba, scaleFlags)
		if err != nil {
			return fmt.Errorf("swscale %dx%d -> %dx%d: %w", k[0], k[1], w, h, err)
		}
		d.sws = sws
		d.swsK = k
		d.dst.Unref()
		d.dst.SetWidth(w)
		d.dst.SetHeight(h)
		d.dst.SetPixelFormat(astiav.PixelFormatRgba)
		if err := d.dst.AllocBuffer(0); err != nil {
			return fmt.Errorf("scale buffer: %w", err)
		}
	}
	if err := d.sws.ScaleFrame(src, d.dst); err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	if _, err := d.dst.ImageCopyToBuffer(img.Pix, 1); err != nil {
		return fmt.Errorf("copy scaled picture: %w", err)
	}
	return nil
}

func (d *decoder) closeCodec() {
	d.fast.cc = nil
	if d.cc != nil {
		d.cc.Free()
		d.cc = nil
	}
}

func (d *decoder) close() {
	d.closeCodec()
	d.fast.free()
	if d.sws != nil {
		d.sws.Free()
		d.sws = nil
	}
	d.pkt.Free()
	d.out.Free()
	d.dst.Free()
}
