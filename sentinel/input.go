package sentinel

import (
	"errors"
	"fmt"

	"github.com/asticode/go-astiav"
)

// input demuxes and decodes the first video stream of a file or device.
type input struct {
	fc      *astiav.FormatContext
	dec     *astiav.CodecContext
	pkt     *astiav.Packet
	stream  *astiav.Stream
	drained bool // end of input reached, decoder flushed
	frameS  float64
}

// openInput opens url with format f (nil to probe) and device options.
func openInput(url string, f *astiav.InputFormat, opts map[string]string) (*input, error) {
	in := &input{fc: astiav.AllocFormatContext(), pkt: astiav.AllocPacket()}
	d := astiav.NewDictionary()
	defer d.Free()
	for k, v := range opts {
		_ = d.Set(k, v, 0)
	}
	if err := in.fc.OpenInput(url, f, d); err != nil {
		in.fc.Free()
		in.fc = nil
		in.close()
		return nil, err
	}
	if err := in.fc.FindStreamInfo(nil); err != nil {
		in.close()
		return nil, fmt.Errorf("read stream info: %w", err)
	}
	for _, s := range in.fc.Streams() {
		if s.CodecParameters().MediaType() == astiav.MediaTypeVideo {
			in.stream = s
			break
		}
	}
	if in.stream == nil {
		in.close()
		return nil, errors.New("no video stream")
	}
	codec := astiav.FindDecoder(in.stream.CodecParameters().CodecID())
	if codec == nil {
		in.close()
		return nil, fmt.Errorf("no decoder for %s", in.stream.CodecParameters().CodecID())
	}
	in.dec = astiav.AllocCodecContext(codec)
	if err := in.stream.CodecParameters().ToCodecContext(in.dec); err != nil {
		in.close()
		return nil, fmt.Errorf("decoder parameters: %w", err)
	}
	in.dec.SetThreadCount(1)
	if err := in.dec.Open(codec, nil); err != nil {
		in.close()
		return nil, fmt.Errorf("open decoder: %w", err)
	}
	in.frameS = 0.04
	if r := in.stream.AvgFrameRate(); r.Num() > 0 && r.Den() > 0 && r.Float64() < 1000 {
		in.frameS = 1 / r.Float64()
	}
	return in, nil
}

// next decodes the next picture into f and returns its time in seconds
// from the stream's start; io.EOF-like astiav.ErrEof at the end.
func (in *input) next(f *astiav.Frame) (float64, error) {
	for {
		f.Unref()
		err := in.dec.ReceiveFrame(f)
		if err == nil {
			pts := f.Pts()
			if pts == astiav.NoPtsValue {
				return -1, nil
			}
			t := float64(pts) * in.stream.TimeBase().Float64()
			if st := in.stream.StartTime(); st != astiav.NoPtsValue {
				t -= float64(st) * in.stream.TimeBase().Float64()
			}
			return t, nil
		}
		if errors.Is(err, astiav.ErrEof) {
			return 0, astiav.ErrEof
		}
		if !errors.Is(err, astiav.ErrEagain) {
			return 0, fmt.Errorf("decode: %w", err)
		}
		if in.drained {
			return 0, astiav.ErrEof
		}
		if err := in.fc.ReadFrame(in.pkt); err != nil {
			if !errors.Is(err, astiav.ErrEof) {
				return 0, fmt.Errorf("read: %w", err)
			}
			in.drained = true
			if err := in.dec.SendPacket(nil); err != nil && !errors.Is(err, astiav.ErrEof) {
				return 0, fmt.Errorf("drain decoder: %w", err)
			}
			continue
		}
		if in.pkt.StreamIndex() == in.stream.Index() {
			err = in.dec.SendPacket(in.pkt)
		}
		in.pkt.Unref()
		if err != nil && !errors.Is(err, astiav.ErrEagain) {
			return 0, fmt.Errorf("decode: %w", err)
		}
	}
}

func (in *input) close() {
	if in.dec != nil {
		in.dec.Free()
	}
	if in.fc != nil {
		in.fc.CloseInput() // frees the context too
	}
	in.pkt.Free()
}
