package sentinel

import (
	"errors"
	"fmt"

	"github.com/asticode/go-astiav"

	"proctor/proto"
)

// decodeSegments decodes an init segment and media segments with
// go-astiav, as the player does, and returns the frame number shown by
// each decoded picture.
func decodeSegments(init []byte, segs [][]byte) ([]uint64, error) {
	info, err := proto.ParseInit(init)
	if err != nil {
		return nil, err
	}
	codec := astiav.FindDecoder(astiav.CodecIDH264)
	cc := astiav.AllocCodecContext(codec)
	defer cc.Free()
	if err := cc.SetExtraData(info.AVCC); err != nil {
		return nil, err
	}
	cc.SetThreadCount(1)
	if err := cc.Open(codec, nil); err != nil {
		return nil, err
	}
	pkt, frame := astiav.AllocPacket(), astiav.AllocFrame()
	defer pkt.Free()
	defer frame.Free()
	var nums []uint64
	receive := func() error {
		for {
			err := cc.ReceiveFrame(frame)
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return nil
			}
			if err != nil {
				return err
			}
			n, err := readPattern(frame)
			frame.Unref()
			if err != nil {
				return fmt.Errorf("picture %d: %w", len(nums), err)
			}
			nums = append(nums, n)
		}
	}
	var samples []proto.Sample
	for i, b := range segs {
		m, err := proto.ParseMedia(b, &info, samples)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", i, err)
		}
		samples = m.Samples
		for _, s := range m.Samples {
			// FFmpeg reads up to 64 bytes past a packet: pad it
			// (go-astiav v0.16.0 FromData does not).
			data := make([]byte, s.Size+64)
			copy(data, b[s.Offset:s.Offset+s.Size])
			if err := pkt.FromData(data); err != nil {
				return nil, err
			}
			pkt.SetSize(s.Size)
			pkt.SetDts(s.DTS)
			pkt.SetPts(s.DTS + int64(s.CTO))
			if s.Sync {
				pkt.SetFlags(pkt.Flags().Add(astiav.PacketFlagKey))
			}
			err := cc.SendPacket(pkt)
			pkt.Unref()
			if err != nil {
				return nil, err
			}
			if err := receive(); err != nil {
				return nil, err
			}
		}
	}
	if err := cc.SendPacket(nil); err != nil && !errors.Is(err, astiav.ErrEof) {
		return nil, err
	}
	return nums, receive()
}
