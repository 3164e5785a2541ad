package player

import (
	"fmt"
	"image"

	"proctor/proto"
)

// Thumbnail decodes the first sync sample of one media segment and scales
// it to width pixels wide (the height follows the picture's aspect ratio).
// The review timeline shows it on hover: one keyframe, one decoder opened
// and closed for it, no engine goroutine, so a hover costs a few
// milliseconds and nothing stays allocated in FFmpeg afterwards.
//
// init is the segment's init segment. A segment without a sync sample, or
// bytes that do not demux or decode, give an error wrapping ErrCorrupt;
// a width out of range gives ErrSize.
func Thumbnail(init, media []byte, width int) (*image.RGBA, error) {
	info, err := proto.ParseInit(init)
	if err != nil {
		return nil, fmt.Errorf("%w: thumbnail init: %w", ErrCorrupt, err)
	}
	if info.Width <= 0 || info.Height <= 0 {
		return nil, fmt.Errorf("%w: thumbnail init has no picture size", ErrCorrupt)
	}
	height := max(1, (width*info.Height+info.Width/2)/info.Width)
	if !(Size{width, height}).valid() {
		return nil, fmt.Errorf("%w: thumbnail %dx%d", ErrSize, width, height)
	}
	mi, err := proto.ParseMedia(media, &info, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: thumbnail segment: %w", ErrCorrupt, err)
	}
	key := -1
	for i, s := range mi.Samples {
		if s.Sync {
			key = i
			break
		}
	}
	if key < 0 {
		return nil, fmt.Errorf("%w: thumbnail segment has no keyframe", ErrCorrupt)
	}
	s := mi.Samples[key]
	dec, err := newDecoder()
	if err != nil {
		return nil, err
	}
	defer dec.close()
	if err := dec.open(info.AVCC); err != nil {
		return nil, err
	}
	if err := dec.send(media[s.Offset:s.Offset+s.Size], int64(s.DTS)+int64(s.CTO), s.DTS, true); err != nil {
		return nil, err
	}
	// A lone keyframe: drain so a decoder that delays output for
	// reordering gives it up now.
	ok, err := dec.receive()
	if err == nil && !ok {
		dec.drain()
		ok, err = dec.receive()
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: thumbnail keyframe gave no picture", ErrCorrupt)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	if err := dec.scale(dec.out, img); err != nil {
		return nil, err
	}
	return img, nil
}
