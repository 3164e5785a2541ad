//go:build !serveronly

package app

import (
	"context"
	"fmt"
	"image"

	"proctor/player"
	"proctor/proto"
	"proctor/ui"
)

var _ ui.Thumbnailer = (*viewBackend)(nil)

// Thumbnail implements ui.Thumbnailer: the review timeline's hover
// picture, one recorded keyframe fetched over HTTP (its init segment and
// the segment) and decoded at width pixels wide by player.Thumbnail.
func (b *viewBackend) Thumbnail(ctx context.Context, sid, id string, seg proto.Segment, width int) (*image.RGBA, error) {
	init, err := b.h.Init(ctx, sid, id, seg.Generation)
	if err != nil {
		return nil, fmt.Errorf("thumbnail init: %w", err)
	}
	media, err := b.h.Segment(ctx, sid, id, seg.Sequence)
	if err != nil {
		return nil, fmt.Errorf("thumbnail segment %d: %w", seg.Sequence, err)
	}
	return player.Thumbnail(init, media, width)
}
